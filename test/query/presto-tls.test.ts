/**
 * PrestoEngine against an HTTPS coordinator with password authentication (a minimal statement
 * server with a throwaway CA made by openssl): the password goes as basic auth over TLS only,
 * a refused login and an untrusted certificate fail at once, non-retriable, saying what to fix.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { ConfigError, QueryError } from "../../src/errors";
import { PrestoEngine } from "../../src/query";
import { Secret } from "../../src/secret";

/** A CA and a certificate for 127.0.0.1 signed by it, in a temp folder. */
function throwawayCertificates(): { ca: string; key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "presto-tls-"));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test CA", "-keyout", file("ca.key"), "-out", file("ca.pem"));
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", file("server.key"), "-out", file("server.csr"));
  fs.writeFileSync(file("ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl("x509", "-req", "-days", "1", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-extfile", file("ext"), "-out", file("server.pem"));
  const read = (name: string) => fs.readFileSync(file(name), "utf8");
  return { ca: read("ca.pem"), key: read("server.key"), cert: read("server.pem") };
}

const PASSWORD = "correct-horse-battery";

describe("PrestoEngine over HTTPS with a password", () => {
  const tls = throwawayCertificates();
  const authorizations: (string | undefined)[] = [];
  let server: https.Server;
  let url: string;
  before(async () => {
    server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      req.resume();
      authorizations.push(req.headers.authorization);
      const [user, password] = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString().split(":");
      if (password !== PASSWORD) {
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="Trino"' }).end("Access Denied: Invalid credentials");
        return;
      }
      res.setHeader("content-type", "application/json");
      const first = { id: "q1", infoUri: `${url}/ui/q1`, nextUri: `${url}/v1/statement/q1/1`, stats: { state: "QUEUED" } };
      const last = { id: "q1", infoUri: `${url}/ui/q1`, stats: { state: "FINISHED" }, columns: [{ name: "who", type: "varchar" }], data: [[user]] };
      res.end(JSON.stringify(req.method === "POST" ? first : last));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => server.close(r)));

  const engine = (password: string | null, ca: string | null = tls.ca) =>
    new PrestoEngine({ kind: "trino", url, catalog: "hive", schema: "default", user: "analyst", password: password === null ? null : new Secret(password), ca, pollMs: 5 });

  it("logs in with basic authentication over TLS, trusting the given CA", async () => {
    const result = await engine(PASSWORD).query("select current_user");
    assert.deepEqual(result.rows, [{ who: "analyst" }]);
    assert.equal(authorizations.at(-1), `Basic ${Buffer.from(`analyst:${PASSWORD}`).toString("base64")}`);
  });

  it("fails at once, not retriable, when the login is refused", async () => {
    await assert.rejects(engine("wrong-password").query("select 1"), (e: unknown) => {
      assert.ok(e instanceof QueryError);
      assert.equal(e.message, "trino: login refused (HTTP 401): Access Denied: Invalid credentials; check the user and password");
      assert.equal(e.retriable, false);
      assert.ok(!e.message.includes("wrong-password"));
      return true;
    });
  });

  it("fails at once, not retriable, when the certificate is not trusted, naming PRESTO_CA_FILE", async () => {
    await assert.rejects(engine(PASSWORD, null).query("select 1"), (e: unknown) => {
      assert.ok(e instanceof QueryError);
      assert.match(e.message, /TLS certificate is not trusted \(.+\): set PRESTO_CA_FILE/);
      assert.equal(e.retriable, false);
      return true;
    });
  });

  it("refuses to send a password over plain HTTP", () => {
    assert.throws(
      () => new PrestoEngine({ kind: "trino", url: "http://127.0.0.1:8080", catalog: "hive", schema: "default", user: "u", password: new Secret(PASSWORD) }),
      (e: unknown) => e instanceof ConfigError && /would cross the network in clear/.test(e.message),
    );
  });
});
