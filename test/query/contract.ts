/**
 * The QueryEngine contract: DuckDB over local disk and Trino over HDFS run this same suite.
 * Parquet files are written by an independent writer (DuckDB COPY) into the storage; each run
 * uses fresh table names and a fresh folder.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { buildEvent, tableByName, type GameEvent, type TableDef } from "../../src/events";
import { QueryError } from "../../src/errors";
import type { QueryEngine } from "../../src/query";
import type { Storage } from "../../src/storage";
import { rowOf, writePartitionFile } from "./parquet-fixture";

export interface QueryFixture {
  open(): Promise<{ engine: QueryEngine; storage: Storage }>;
  cleanup?(): Promise<void>;
}

const T0 = Date.parse("2026-01-01T10:00:00.123Z");
const DAY = 86_400_000;

function purchase(i: number, timestamp: number, cost: number | null): GameEvent {
  return buildEvent({
    event_id: `e-${i}`,
    event_type: "purchase_sword",
    timestamp,
    player_id: `p${i % 3}`,
    headers: { host: `user${i % 3}.comcast.com`, userAgent: "ab", accept: "*/*" },
    outcome: cost === null ? "rejected" : "ok",
    status: cost === null ? 404 : 200,
    reason: cost === null ? "unknown_item" : undefined,
    payload: { type: cost === null ? "nope" : "longsword", cost },
  });
}

export function runQueryContract(name: string, fixture: QueryFixture): void {
  describe(`QueryEngine contract: ${name}`, () => {
    let engine: QueryEngine;
    let storage: Storage;
    let base: string;
    const run = randomUUID().slice(0, 8);
    /** A copy of a contract table under a name of its own for this run. */
    const fresh = (source: string, suffix: string): TableDef => ({ ...tableByName(source)!, name: `${source}_${suffix}_${run}` });
    const dirOf = (t: TableDef) => path.posix.join(base, t.name);
    const register = async (t: TableDef) => {
      await storage.mkdirs(dirOf(t));
      await engine.registerTables([{ table: t, location: storage.uri(dirOf(t)) }]);
      await engine.syncPartitions(t);
    };
    const count = async (t: TableDef, where = "true") =>
      Number((await engine.query(`SELECT count(*) AS n FROM ${t.name} WHERE ${where}`)).rows[0].n);

    before(async () => {
      ({ engine, storage } = await fixture.open());
      base = path.posix.join(storage.root, `query-contract-${run}`);
    });
    after(async () => {
      await engine?.close();
      await storage?.delete(base).catch(() => undefined);
      await fixture.cleanup?.();
    });

    it("shows a table with no files yet as empty, with the contract's columns and dt last", async () => {
      const t = fresh("purchases", "empty");
      await register(t);
      await register(t);
      const result = await engine.query(`SELECT * FROM ${t.name}`);
      assert.deepEqual(result.rows, []);
      assert.deepEqual(
        result.columns.map((c) => c.name),
        [...t.columns.map((c) => c.name), "dt"],
      );
      const types = Object.fromEntries(result.columns.map((c) => [c.name, c.type]));
      assert.equal(types.cost, "bigint");
      assert.equal(types.kafka_partition, "integer");
      assert.match(types.timestamp, /^timestamp(\(3\))?$/);
      assert.equal(types.dt, "varchar");
    });

    it("makes the rows of registered partitions countable, with dt queryable", async () => {
      const t = fresh("purchases", "count");
      const day1 = [0, 1, 2].map((i) => rowOf(purchase(i, T0 + i, 10 + i), i));
      const day2 = [3, 4].map((i) => rowOf(purchase(i, T0 + DAY + i, 10 + i), i));
      await writePartitionFile(storage, dirOf(t), t, "2026-01-01", "f+0+0+2.parquet", day1);
      await writePartitionFile(storage, dirOf(t), t, "2026-01-02", "f+0+3+4.parquet", day2);
      await register(t);
      assert.equal(await count(t), 5);
      const byDay = await engine.query(`SELECT dt, count(*) AS n FROM ${t.name} GROUP BY dt ORDER BY dt`);
      assert.deepEqual(byDay.rows, [
        { dt: "2026-01-01", n: 3 },
        { dt: "2026-01-02", n: 2 },
      ]);
      assert.equal(await count(t, "dt = '2026-01-02'"), 2);
    });

    it("shows a file in a new partition after syncPartitions", async () => {
      const t = fresh("purchases", "grow");
      await writePartitionFile(storage, dirOf(t), t, "2026-01-01", "a.parquet", [rowOf(purchase(1, T0, 5), 1)]);
      await register(t);
      assert.equal(await count(t), 1);
      await writePartitionFile(storage, dirOf(t), t, "2026-01-05", "b.parquet", [rowOf(purchase(2, T0 + 4 * DAY, 6), 2)]);
      await engine.syncPartitions(t);
      assert.equal(await count(t), 2);
      assert.equal(await count(t, "dt = '2026-01-05'"), 1);
      await writePartitionFile(storage, dirOf(t), t, "2026-01-05", "c.parquet", [rowOf(purchase(3, T0 + 4 * DAY, 7), 3)]);
      await engine.syncPartitions(t);
      assert.equal(await count(t), 3);
    });

    it("keeps types: bigint costs as numbers, timestamps as UTC instants, NULLs as null", async () => {
      const t = fresh("purchases", "types");
      const big = 2 ** 40 + 7;
      const rows = [rowOf(purchase(1, T0, big), 41), rowOf(purchase(2, T0 + 1000, null), 42)];
      await writePartitionFile(storage, dirOf(t), t, "2026-01-01", "ms.parquet", rows.slice(0, 1), { timestamps: "millis" });
      await writePartitionFile(storage, dirOf(t), t, "2026-01-01", "utc.parquet", rows.slice(1), { timestamps: "utc-micros" });
      await register(t);
      const result = await engine.query(`SELECT event_id, cost, "timestamp", reason, kafka_offset, host FROM ${t.name} ORDER BY kafka_offset`);
      assert.equal(result.rows.length, 2);
      const [paid, rejected] = result.rows;
      assert.equal(paid.cost, big);
      assert.equal(paid.kafka_offset, 41);
      assert.equal(paid.reason, null);
      assert.equal(Date.parse(paid.timestamp as string), T0);
      assert.equal(rejected.cost, null);
      assert.equal(rejected.reason, "unknown_item");
      assert.equal(Date.parse(rejected.timestamp as string), T0 + 1000);
      const sum = await engine.query(`SELECT sum(cost) AS total FROM ${t.name}`);
      assert.equal(sum.rows[0].total, big);
    });

    it("ignores files whose names start with '.' or '_' (in-flight temp files)", async () => {
      const t = fresh("purchases", "hidden");
      await writePartitionFile(storage, dirOf(t), t, "2026-01-01", "done.parquet", [rowOf(purchase(1, T0, 5), 1)]);
      await writePartitionFile(storage, dirOf(t), t, "2026-01-01", ".inflight.parquet", [rowOf(purchase(2, T0, 5), 2)]);
      await storage.writeFile(path.posix.join(dirOf(t), "dt=2026-01-01", "_partial.parquet"), "not parquet at all");
      await register(t);
      assert.equal(await count(t), 1);
    });

    it("reads a column missing from older files as NULL (schema evolution)", async () => {
      const t = fresh("purchases", "evolve");
      await writePartitionFile(storage, dirOf(t), t, "2026-01-01", "old.parquet", [rowOf(purchase(1, T0, 5), 1)], { omit: ["accept", "reason"] });
      await writePartitionFile(storage, dirOf(t), t, "2026-01-01", "new.parquet", [rowOf(purchase(2, T0, null), 2)]);
      await register(t);
      const result = await engine.query(`SELECT kafka_offset, accept, reason, cost FROM ${t.name} ORDER BY kafka_offset`);
      assert.deepEqual(result.rows, [
        { kafka_offset: 1, accept: null, reason: null, cost: 5 },
        { kafka_offset: 2, accept: "*/*", reason: "unknown_item", cost: null },
      ]);
    });

    it("adds a new contract column to an already registered table, NULL in older files", async () => {
      const current = fresh("purchases", "addcol");
      const older: TableDef = { ...current, columns: current.columns.filter((c) => c.name !== "accept") };
      await writePartitionFile(storage, dirOf(older), older, "2026-01-01", "old.parquet", [rowOf(purchase(1, T0, 5), 1)]);
      await register(older);
      assert.equal((await engine.query(`SELECT * FROM ${older.name}`)).columns.some((c) => c.name === "accept"), false);
      await writePartitionFile(storage, dirOf(current), current, "2026-01-02", "new.parquet", [rowOf(purchase(2, T0 + DAY, 6), 2)]);
      await register(current);
      const result = await engine.query(`SELECT kafka_offset, accept, dt FROM ${current.name} ORDER BY kafka_offset`);
      assert.deepEqual(result.rows, [
        { kafka_offset: 1, accept: null, dt: "2026-01-01" },
        { kafka_offset: 2, accept: "*/*", dt: "2026-01-02" },
      ]);
    });

    it("fails a bad query with a QueryError carrying the engine's message", async () => {
      await assert.rejects(engine.query("SELECT no_such_column FROM no_such_table_anywhere"), (e: unknown) => {
        assert.ok(e instanceof QueryError);
        assert.match(e.message, /no_such_table_anywhere/i);
        return true;
      });
    });
  });
}
