import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig } from "../src/config";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-security-"));
const file = (name: string, text: string) => {
  const full = path.join(dir, name);
  fs.writeFileSync(full, text);
  return full;
};
const CA = file("ca.pem", "-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n");
const PASSWORD = "s3cret-pass-phrase";

describe("configuration: Kafka connection security", () => {
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("connects in plaintext without credentials by default", () => {
    const { kafka } = loadConfig({}).transport;
    assert.equal(kafka.tls, null);
    assert.equal(kafka.sasl, null);
  });

  it("reads TLS with a CA file and SCRAM credentials, the password from a file, and never prints the password", () => {
    const config = loadConfig({
      KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      KAFKA_SSL_CA_FILE: CA,
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: "pipeline",
      KAFKA_SASL_PASSWORD_FILE: file("password", `${PASSWORD}\n`),
    });
    const { tls, sasl } = config.transport.kafka;
    assert.equal(tls?.ca, fs.readFileSync(CA, "utf8"));
    assert.equal(tls?.cert, null);
    assert.equal(sasl?.mechanism, "SCRAM-SHA-512");
    assert.equal(sasl?.username, "pipeline");
    assert.equal(sasl?.password.reveal(), PASSWORD);
    assert.ok(!JSON.stringify(config).includes(PASSWORD));
    assert.ok(!`${sasl?.password}`.includes(PASSWORD));
  });

  it("uses TLS without SASL for SSL, and SASL without TLS for SASL_PLAINTEXT", () => {
    assert.deepEqual(loadConfig({ KAFKA_SECURITY_PROTOCOL: "SSL" }).transport.kafka.tls, { ca: null, cert: null, key: null });
    const plain = loadConfig({ KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT", KAFKA_SASL_MECHANISM: "PLAIN", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: PASSWORD }).transport.kafka;
    assert.equal(plain.tls, null);
    assert.equal(plain.sasl?.mechanism, "PLAIN");
  });

  it("refuses settings the chosen protocol would silently ignore", () => {
    assert.throws(() => loadConfig({ KAFKA_SSL_CA_FILE: CA }), /KAFKA_SSL_CA_FILE set, but KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use it/);
    assert.throws(() => loadConfig({ KAFKA_SECURITY_PROTOCOL: "SSL", KAFKA_SASL_USERNAME: "u" }), /KAFKA_SASL_USERNAME set, but KAFKA_SECURITY_PROTOCOL=SSL/);
  });

  it("names what is missing for SASL, without echoing the password", () => {
    const base = { KAFKA_SECURITY_PROTOCOL: "SASL_SSL", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: PASSWORD };
    assert.throws(() => loadConfig(base), (e: Error) => /KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/.test(e.message) && !e.message.includes(PASSWORD));
    assert.throws(() => loadConfig({ ...base, KAFKA_SASL_MECHANISM: "PLAIN", KAFKA_SASL_PASSWORD: "" }), /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
  });

  it("wants a client certificate and its key together, and names an unreadable file", () => {
    const cert = file("client.pem", "cert");
    assert.throws(() => loadConfig({ KAFKA_SECURITY_PROTOCOL: "SSL", KAFKA_SSL_CERT_FILE: cert }), /KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together/);
    const { tls } = loadConfig({ KAFKA_SECURITY_PROTOCOL: "SSL", KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: file("client.key", "key") }).transport.kafka;
    assert.equal(tls?.key?.reveal(), "key");
    assert.throws(() => loadConfig({ KAFKA_SECURITY_PROTOCOL: "SSL", KAFKA_SSL_CA_FILE: path.join(dir, "absent.pem") }), /KAFKA_SSL_CA_FILE: cannot read .*absent\.pem \(ENOENT\)/);
  });
});
