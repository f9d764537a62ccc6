/**
 * PrestoEngine against a minimal statement server speaking the client REST protocol (POST
 * /v1/statement, then follow nextUri), so the fast tier covers the protocol handling; the real
 * coordinator runs the query contract in the stack tier.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { QueryError } from "../../src/errors";
import { PrestoEngine } from "../../src/query";

interface Seen {
  statement: string;
  headers: http.IncomingHttpHeaders;
}

/** `delayMs`: how long each query runs (its answer is held back); `load` counts the queries running at once. */
async function startCoordinator(answer: (statement: string) => object, delayMs = 0) {
  const seen: Seen[] = [];
  const load = { running: 0, most: 0 };
  const pending = new Map<string, object>();
  let next = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      res.setHeader("content-type", "application/json");
      if (req.method === "POST") {
        const statement = Buffer.concat(chunks).toString();
        seen.push({ statement, headers: req.headers });
        load.most = Math.max(load.most, ++load.running);
        const id = `q${next++}`;
        pending.set(id, answer(statement));
        res.end(JSON.stringify({ id, infoUri: `${base}/ui/${id}`, nextUri: `${base}/v1/statement/${id}/1`, stats: { state: "QUEUED" } }));
      } else {
        const id = req.url!.split("/")[3];
        setTimeout(() => {
          load.running--; // every answer here is final (no nextUri)
          res.end(JSON.stringify({ id, infoUri: `${base}/ui/${id}`, ...pending.get(id) }));
        }, delayMs);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, load, close: () => new Promise((r) => server.close(r)) };
}

const FINISHED = {
  stats: { state: "FINISHED" },
  columns: [
    { name: "n", type: "bigint" },
    { name: "ts", type: "timestamp(3)" },
    { name: "tz", type: "timestamp(3) with time zone" },
    { name: "d", type: "decimal(10,2)" },
    { name: "s", type: "varchar" },
  ],
  data: [[42, "2026-01-01 10:00:00.123", "2026-01-01 10:00:00.123 UTC", "1.50", null]],
};
const FAILED = {
  stats: { state: "FAILED" },
  error: { message: "line 1:15: Table 'hive.default.nope' does not exist", errorName: "TABLE_NOT_FOUND", errorType: "USER_ERROR" },
};

describe("PrestoEngine protocol handling", () => {
  let coordinator: Awaited<ReturnType<typeof startCoordinator>>;
  before(async () => {
    coordinator = await startCoordinator((statement) => (statement.includes("nope") ? FAILED : FINISHED));
  });
  after(async () => coordinator.close());

  it("sends one statement without its semicolon and converts values to numbers and ISO strings", async () => {
    const engine = new PrestoEngine({ kind: "trino", url: coordinator.url, catalog: "hive", schema: "default", user: "u1", pollMs: 5 });
    const result = await engine.query("select 42 as n;\n");
    assert.equal(coordinator.seen.at(-1)!.statement, "select 42 as n");
    assert.deepEqual(result.rows, [{ n: 42, ts: "2026-01-01T10:00:00.123Z", tz: "2026-01-01T10:00:00.123Z", d: 1.5, s: null }]);
    assert.deepEqual(result.columns.map((c) => c.type), ["bigint", "timestamp(3)", "timestamp(3) with time zone", "decimal(10,2)", "varchar"]);
  });

  it("speaks Trino's headers to Trino and Presto's to PrestoDB, in UTC", async () => {
    await new PrestoEngine({ kind: "trino", url: coordinator.url, catalog: "hive", schema: "s1", user: "u1", pollMs: 5 }).query("select 1");
    const trino = coordinator.seen.at(-1)!.headers;
    assert.equal(trino["x-trino-user"], "u1");
    assert.equal(trino["x-trino-schema"], "s1");
    assert.equal(trino["x-trino-time-zone"], "UTC");
    await new PrestoEngine({ kind: "presto", url: coordinator.url, catalog: "hive", schema: "s2", user: "u2", pollMs: 5 }).query("select 1");
    const presto = coordinator.seen.at(-1)!.headers;
    assert.equal(presto["x-presto-user"], "u2");
    assert.equal(presto["x-presto-catalog"], "hive");
    assert.equal(presto["x-trino-user"], undefined);
  });

  it("fails with a non-retriable QueryError carrying the server's message and error name", async () => {
    const engine = new PrestoEngine({ kind: "trino", url: coordinator.url, catalog: "hive", schema: "default", user: "u", pollMs: 5 });
    await assert.rejects(engine.query("select * from nope"), (e: unknown) => {
      assert.ok(e instanceof QueryError);
      assert.match(e.message, /TABLE_NOT_FOUND: line 1:15: Table 'hive.default.nope' does not exist/);
      assert.equal(e.retriable, false);
      assert.equal(e.sql, "select * from nope");
      return true;
    });
  });

  it("fails with a retriable QueryError when the coordinator does not answer", async () => {
    const engine = new PrestoEngine({ kind: "trino", url: "http://127.0.0.1:9", catalog: "hive", schema: "default", user: "u", pollMs: 5 });
    await assert.rejects(engine.query("select 1"), (e: unknown) => e instanceof QueryError && e.retriable);
  });
});

describe("PrestoEngine partition syncs", () => {
  /** A coordinator whose every query takes ~30 ms. */
  const slowCoordinator = () => startCoordinator(() => ({ stats: { state: "FINISHED" }, columns: [{ name: "result", type: "boolean" }], data: [[true]] }), 30);
  const table = (name: string) => ({ name, doc: "", columns: [], accepts: () => false });

  it("runs concurrent syncs of one table one after the other (Trino refuses the second with ALREADY_EXISTS)", async () => {
    const coordinator = await slowCoordinator();
    try {
      const engine = new PrestoEngine({ kind: "trino", url: coordinator.url, catalog: "hive", schema: "default", user: "u", pollMs: 5 });
      await Promise.all([engine.syncPartitions(table("events")), engine.syncPartitions(table("events")), engine.syncPartitions(table("events"))]);
      assert.equal(coordinator.seen.length, 3);
      assert.equal(coordinator.load.most, 1);
    } finally {
      await coordinator.close();
    }
  });

  it("syncs different tables at the same time", async () => {
    const coordinator = await slowCoordinator();
    try {
      const engine = new PrestoEngine({ kind: "trino", url: coordinator.url, catalog: "hive", schema: "default", user: "u", pollMs: 5 });
      await Promise.all([engine.syncPartitions(table("events")), engine.syncPartitions(table("guilds"))]);
      assert.equal(coordinator.load.most, 2);
    } finally {
      await coordinator.close();
    }
  });
});
