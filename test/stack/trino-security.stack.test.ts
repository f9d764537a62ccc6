/**
 * The secured stack's Trino (`npm run stack -- up --secure`): HTTPS with password authentication
 * and file-based access control. The pipeline's user creates, writes and syncs; the analyst
 * reads and nothing else; a wrong password, plain HTTP and an untrusted certificate are refused
 * with a clear message. Skipped on a plain stack.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { QueryError } from "../../src/errors";
import { PrestoEngine } from "../../src/query";
import { Secret } from "../../src/secret";
import { ensureStack, stackConfig, stackIsSecure } from "./stack";

const secure = stackIsSecure();

describe("Trino on the secured stack", { skip: secure ? false : "the stack is not secured (npm run stack -- up --secure)" }, () => {
  const { query: q } = stackConfig();
  const schema = `sec_${Date.now().toString(36)}`;
  const table = `${q.catalog}.${schema}.scores`;
  const engine = (login: { user: string; password: Secret | null }, url = q.prestoUrl, ca = q.ca) =>
    new PrestoEngine({ kind: "trino", url, catalog: q.catalog, schema, ca, timeoutSec: 30, ...login });
  const pipeline = () => engine({ user: q.user, password: q.password });
  const analyst = () => engine(q.analyst);
  const refusal = async (run: Promise<unknown>, pattern: RegExp): Promise<void> => {
    await assert.rejects(run, (error: unknown) => {
      assert.ok(error instanceof QueryError, String(error));
      assert.match(error.message, pattern);
      return true;
    });
  };

  before(async () => {
    await ensureStack(["hdfs", "metastore", "trino"]);
    const p = pipeline();
    await p.query(`CREATE SCHEMA ${q.catalog}.${schema} WITH (location = 'hdfs://127.0.0.1:9000/tmp/${schema}')`);
    await p.query(`CREATE TABLE ${table} (player varchar, score integer)`);
    await p.query(`INSERT INTO ${table} VALUES ('ann', 3), ('bob', 5)`);
  });
  after(async () => {
    const p = pipeline();
    await p.query(`DROP TABLE IF EXISTS ${table}`);
    await p.query(`DROP SCHEMA IF EXISTS ${q.catalog}.${schema}`);
  });

  it("lets the analyst read what the pipeline wrote", async () => {
    const result = await analyst().query(`SELECT sum(score) AS total FROM ${table}`);
    assert.deepEqual(result.rows, [{ total: 8 }]);
  });

  it("refuses the analyst CREATE, INSERT, DELETE, DROP and partition syncs", async () => {
    const a = analyst();
    await refusal(a.query(`CREATE TABLE ${q.catalog}.${schema}.mine (x integer)`), /Access Denied: Cannot create table/);
    await refusal(a.query(`INSERT INTO ${table} VALUES ('eve', 100)`), /Access Denied: Cannot insert into table/);
    await refusal(a.query(`DELETE FROM ${table}`), /Access Denied: Cannot delete from table/);
    await refusal(a.query(`DROP TABLE ${table}`), /Access Denied: Cannot drop table/);
    await refusal(a.query(`CALL ${q.catalog}.system.sync_partition_metadata('${schema}', 'scores', 'ADD')`), /Access Denied: Cannot execute procedure/);
    assert.deepEqual((await pipeline().query(`SELECT count(*) AS n FROM ${table}`)).rows, [{ n: 2 }]);
  });

  it("refuses a wrong password with Trino's message", async () => {
    await refusal(engine({ user: q.user, password: new Secret("not-the-password") }).query("SELECT 1"), /^trino: login refused \(HTTP 401\): Access Denied: Invalid credentials; check the user and password$/);
    await refusal(engine({ user: q.analyst.user, password: null }).query("SELECT 1"), /^trino: login refused \(HTTP 401\)/);
  });

  it("refuses a client that does not trust the stack's CA, naming the certificate problem", async () => {
    await refusal(engine({ user: q.user, password: q.password }, q.prestoUrl, null).query("SELECT 1"), /TLS certificate is not trusted .*PRESTO_CA_FILE/);
  });

  it("refuses identities over plain HTTP", async () => {
    const plain = q.prestoUrl.replace(/^https:/, "http:").replace(/:8443\b/, ":8080");
    await refusal(engine({ user: q.user, password: null }, plain).query("SELECT 1"), /Authentication over HTTP is not enabled|403/);
  });
});
