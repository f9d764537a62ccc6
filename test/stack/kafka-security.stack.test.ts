/**
 * The secured stack's Kafka (`npm run stack -- up --secure`): its client listener speaks only
 * SASL_SSL, its controller listener only TLS with a certificate of the stack's CA. A plaintext
 * client gets nothing from either, and gives up within its bound; our client with a wrong password
 * or without the stack's CA is refused with the message the README documents, within its bound.
 * Skipped on a plain stack.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import type { KafkaConnectionConfig } from "../../src/config";
import { TransportError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { Secret } from "../../src/secret";
import { KafkaTransport } from "../../src/transport/kafka/kafka-transport";
import { ensureStack, stackIsSecure, stackKafka } from "./stack";

const run = promisify(execFile);
const secure = stackIsSecure();

/** What our client's first call to the broker ends with when connecting as `connection` says, and how long it took. */
async function refusal(connection: KafkaConnectionConfig): Promise<{ error: unknown; ms: number }> {
  const transport = new KafkaTransport({ ...connection, logger: silentLogger });
  const started = Date.now();
  try {
    await transport.endOffsets("events");
    return { error: null, ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  } finally {
    await transport.close();
  }
}

/** kcat's metadata request in plaintext: its exit, output and how long it took. */
async function plaintextMetadata(address: string): Promise<{ ok: boolean; output: string; ms: number }> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await run("kcat", ["-b", address, "-L", "-m", "5"], { timeout: 30_000 });
    return { ok: true, output: stdout + stderr, ms: Date.now() - started };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr, ms: Date.now() - started };
  }
}

describe("Kafka on the secured stack", { skip: secure ? false : "the stack is not secured (npm run stack -- up --secure)" }, () => {
  it("refuses a plaintext client on the SASL_SSL listener: no metadata, a failure within the client's bound", async () => {
    await ensureStack(["kafka"]);
    const answer = await plaintextMetadata("127.0.0.1:9092");
    assert.equal(answer.ok, false, answer.output);
    assert.match(answer.output, /Failed to acquire metadata/);
    assert.doesNotMatch(answer.output, /broker 1 at/);
    assert.ok(answer.ms < 20_000, `gave up after ${answer.ms} ms`);
  });

  it("refuses a plaintext client on the controller listener", async () => {
    const answer = await plaintextMetadata("127.0.0.1:9093");
    assert.equal(answer.ok, false, answer.output);
    assert.doesNotMatch(answer.output, /broker 1 at|controller/i);
  });

  it("refuses our client with a wrong password, naming the SASL settings to check, within 20 s", async () => {
    const connection = stackKafka("wrong-password");
    assert.ok(connection.sasl, "the stack's client settings log in with SASL");
    const { error, ms } = await refusal({ ...connection, sasl: { ...connection.sasl, password: new Secret("not-the-password") } });
    assert.ok(error instanceof TransportError, String(error));
    assert.match(error.message, /the broker refused the SASL authentication \(.*invalid credentials.*\); check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
    assert.equal(error.retriable, false);
    assert.ok(ms < 20_000, `gave up after ${ms} ms`);
  });

  it("refuses our client when it does not trust the stack's CA, naming KAFKA_SSL_CA_FILE, within 20 s", async () => {
    const connection = stackKafka("untrusted");
    const { error, ms } = await refusal({ ...connection, tls: { ca: null, cert: null, key: null } });
    assert.ok(error instanceof TransportError, String(error));
    assert.match(error.message, /the broker's TLS certificate is not trusted .*set KAFKA_SSL_CA_FILE/);
    assert.equal(error.retriable, false);
    assert.ok(ms < 20_000, `gave up after ${ms} ms`);
  });
});
