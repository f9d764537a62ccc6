/**
 * A Kafka connection refused for security reasons fails with a clear, non-retriable error within
 * a bound, never a retry loop, and no error carries a credential. Against local fakes: a TLS
 * listener whose certificate the client does not trust, a plaintext listener a TLS client talks
 * to, and a listener that refuses every SASL credential. (test/fixtures/tls: a test-only CA and a
 * certificate for 127.0.0.1 it signed, made once with openssl; the key protects nothing.)
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { KafkaConnectionConfig } from "../../src/config";
import { TransportError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { Secret } from "../../src/secret";
import { KafkaTransport } from "../../src/transport/kafka/kafka-transport";
import { startFakeSaslBroker, type FakeSaslBroker } from "./fake-sasl-broker";

const fixtures = path.join(__dirname, "..", "..", "..", "test", "fixtures", "tls");
const pem = (name: string) => fs.readFileSync(path.join(fixtures, name), "utf8");
const PASSWORD = "correct-horse-battery-staple";
/** Five retries, 0.1-1 s apart, plus connection attempts: the whole failure must fit in this. */
const BOUND_MS = 15_000;

async function producerFailure(brokers: string[], security: Pick<KafkaConnectionConfig, "tls" | "sasl">): Promise<{ error: TransportError; ms: number }> {
  const transport = new KafkaTransport({ brokers, clientId: "security-test", logger: silentLogger, ...security });
  const started = Date.now();
  try {
    await transport.producer();
    assert.fail("the producer connected");
  } catch (error) {
    assert.ok(error instanceof TransportError, `not a TransportError: ${String(error)}`);
    return { error, ms: Date.now() - started };
  } finally {
    await transport.close();
  }
}

describe("Kafka connection security: bounded, clear failures", () => {
  let tlsBroker: FakeSaslBroker;
  let plainBroker: FakeSaslBroker;
  before(async () => {
    tlsBroker = await startFakeSaslBroker({ cert: pem("server.pem"), key: pem("server.key") });
    plainBroker = await startFakeSaslBroker();
  });
  after(async () => {
    await tlsBroker.close();
    await plainBroker.close();
  });

  it("refuses a broker certificate the client does not trust, naming KAFKA_SSL_CA_FILE", async () => {
    const { error, ms } = await producerFailure([tlsBroker.address], { tls: { ca: null, cert: null, key: null }, sasl: null });
    assert.equal(error.retriable, false);
    assert.match(error.message, /TLS certificate is not trusted/);
    assert.match(error.message, /KAFKA_SSL_CA_FILE/);
    assert.ok(ms < BOUND_MS, `took ${ms} ms`);
  });

  it("reports a TLS client talking to a plaintext listener as a failed handshake", async () => {
    const { error, ms } = await producerFailure([plainBroker.address], { tls: { ca: pem("ca.pem"), cert: null, key: null }, sasl: null });
    assert.equal(error.retriable, false);
    assert.match(error.message, /TLS handshake with the broker failed/);
    assert.match(error.message, /KAFKA_SECURITY_PROTOCOL/);
    assert.ok(ms < BOUND_MS, `took ${ms} ms`);
  });

  it("tells a plaintext client that the listener speaks TLS", async () => {
    const { error, ms } = await producerFailure([tlsBroker.address], { tls: null, sasl: null });
    assert.equal(error.retriable, false);
    assert.match(error.message, /listener speaks TLS; set KAFKA_SECURITY_PROTOCOL/);
    assert.ok(ms < BOUND_MS, `took ${ms} ms`);
  });

  it("reports refused SASL credentials over a trusted TLS connection, without the password and without retrying forever", async () => {
    const before = tlsBroker.connections;
    const { error, ms } = await producerFailure([tlsBroker.address], {
      tls: { ca: pem("ca.pem"), cert: null, key: null },
      sasl: { mechanism: "PLAIN", username: "pipeline", password: new Secret(PASSWORD) },
    });
    assert.equal(error.retriable, false);
    assert.match(error.message, /refused the SASL authentication \(Authentication failed: Invalid username or password\)/);
    assert.match(error.message, /KAFKA_SASL_PASSWORD/);
    assert.ok(ms < BOUND_MS, `took ${ms} ms`);
    // The credentials did reach the broker (so TLS with the CA worked), and only a bounded number of times.
    assert.ok(tlsBroker.tokens.some((token) => token.toString().endsWith(`\u0000pipeline\u0000${PASSWORD}`)));
    const attempts = tlsBroker.connections - before;
    assert.ok(attempts >= 1 && attempts <= 6, `${attempts} connections`);
    for (const text of [error.message, String(error.cause), JSON.stringify(error), String(error.stack)]) {
      assert.ok(!text.includes(PASSWORD), "the password leaked into the error");
    }
  });

  it("fails a broker that refuses the connection as retriable, also within the bound", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { error, ms } = await producerFailure([`127.0.0.1:${port}`], { tls: null, sasl: null });
    assert.equal(error.retriable, true);
    assert.match(error.message, /ECONNREFUSED/);
    assert.ok(ms < BOUND_MS, `took ${ms} ms`);
  });
});
