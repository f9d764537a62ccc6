import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { silentLogger } from "../../src/logger";
import { DuckDbEngine } from "../../src/query";
import { runSink } from "../../src/sink";
import { compact } from "../../src/sink/compaction";
import { StorageError } from "../../src/errors";
import { createStorage, LocalStorage } from "../../src/storage";
import { EmbeddedLog } from "../../src/transport";
import { assertExactlyOnce } from "./expect";
import { duck, fillLog, readTable, tempDataDir, testConfig } from "./helpers";

async function batch(config: ReturnType<typeof testConfig>, engine: DuckDbEngine | null = null) {
  const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  try {
    return await runSink({ config, transport, storage: createStorage(config.storage), engine, logger: silentLogger, mode: "batch" });
  } finally {
    await transport.close();
  }
}

function committedFiles(warehouse: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else out.push(path.relative(warehouse, path.join(dir, e.name)));
    }
  };
  if (fs.existsSync(warehouse)) walk(warehouse);
  return out.filter((f) => !f.startsWith("_")).sort();
}

describe("sink in batch mode", () => {
  it("lands every event in its tables exactly once, bad messages in dead_letters, and exits", async () => {
    const config = testConfig(tempDataDir(), { SINK_ROLL_ROWS: "700" });
    const filled = await fillLog(config, 2000, { badEvery: 400 });
    const summary = await batch(config);
    assert.equal(summary.records, 2000 + filled.bad);
    assert.equal(summary.deadLetters, filled.bad);
    assert.equal(summary.positions[0], 2000 + filled.bad);
    await assertExactlyOnce(config, filled.valid, filled.bad);
  });

  it("writes typed, compressed Parquet: INT64 costs, millisecond timestamps, NULLs kept", async () => {
    const config = testConfig(tempDataDir());
    const filled = await fillLog(config, 300);
    await batch(config);
    const file = committedFiles(config.storage.warehouse).find((f) => f.startsWith("purchases/"))!;
    const schema = await duck(`SELECT name, type, converted_type FROM parquet_schema('${path.join(config.storage.warehouse, file)}')`);
    const col = (n: string) => schema.find((r) => r.name === n)!;
    assert.equal(col("cost").type, "INT64");
    assert.equal(col("timestamp").type, "INT64");
    assert.equal(col("timestamp").converted_type, "TIMESTAMP_MILLIS");
    const meta = await duck(`SELECT DISTINCT compression FROM parquet_metadata('${path.join(config.storage.warehouse, file)}')`);
    assert.deepEqual(meta.map((m) => m.compression), ["ZSTD"]);
    const rejected = filled.valid.filter((e) => e.event_type !== "default" && e.outcome === "rejected" && e.event_type.startsWith("purchase")).length;
    const [nulls] = await readTable(config, "events", "count(*) FILTER (WHERE cost IS NULL AND event_type LIKE 'purchase%') AS n");
    assert.equal(Number(nulls.n), rejected);
    const first = filled.valid[0];
    const [row] = await duck(
      `SELECT strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%g') AS ts FROM read_parquet('${config.storage.warehouse}/events/*/*.parquet') WHERE event_id = '${first.event_id}'`,
    );
    assert.equal((row.ts as string) + "Z", new Date(first.timestamp).toISOString());
  });

  it("is idempotent: a second run over the same log writes nothing new", async () => {
    const config = testConfig(tempDataDir());
    const filled = await fillLog(config, 500, { badEvery: 100 });
    await batch(config);
    const before = committedFiles(config.storage.warehouse);
    const again = await batch(config);
    assert.equal(again.records, 0);
    assert.deepEqual(committedFiles(config.storage.warehouse), before);
    await assertExactlyOnce(config, filled.valid, filled.bad);
  });

  it("continues after the last committed offset when more events arrive", async () => {
    const config = testConfig(tempDataDir());
    const a = await fillLog(config, 400, { badEvery: 150 });
    await batch(config);
    const b = await fillLog(config, 300, { from: 400, badEvery: 150 });
    const second = await batch(config);
    assert.equal(second.records, 300 + b.bad);
    await assertExactlyOnce(config, [...a.valid, ...b.valid], a.bad + b.bad);
  });

  it("completes a batch that a crash left committed in some tables only", async () => {
    const config = testConfig(tempDataDir());
    const filled = await fillLog(config, 600, { badEvery: 250 });
    await batch(config);
    // Simulate a crash between renames: the batch is in events but missing from purchases and guilds.
    for (const t of ["purchases", "guilds"]) fs.rmSync(path.join(config.storage.warehouse, t), { recursive: true });
    const rerun = await batch(config);
    assert.equal(rerun.repairedOnStart, 2);
    await assertExactlyOnce(config, filled.valid, filled.bad);
  });

  it("compacts a partition's small files into one named by the covered range, keeping every row once", async () => {
    const config = testConfig(tempDataDir(), { SINK_ROLL_ROWS: "50" });
    const filled = await fillLog(config, 600, { badEvery: 200 });
    await batch(config);
    const before = committedFiles(config.storage.warehouse).filter((f) => f.startsWith("events/"));
    const result = await compact({ config, storage: createStorage(config.storage), logger: silentLogger });
    const after = committedFiles(config.storage.warehouse).filter((f) => f.startsWith("events/"));
    assert.ok(before.length > 10, `${before.length} files before`);
    assert.ok(result.merges >= 1);
    // One merged file per dt folder, plus the latest batch, which compaction leaves alone.
    assert.ok(after.length <= 3, after.join("\n"));
    await assertExactlyOnce(config, filled.valid, filled.bad);
    // The sink resumes after compaction as if nothing happened.
    const more = await fillLog(config, 100, { from: 600 });
    await batch(config);
    await assertExactlyOnce(config, [...filled.valid, ...more.valid], filled.bad);
  });

  it("registers the tables so SQL counts what was landed", async () => {
    const config = testConfig(tempDataDir());
    const filled = await fillLog(config, 250);
    const engine = await DuckDbEngine.open();
    try {
      await batch(config, engine);
      const result = await engine.query("SELECT count(*) AS n FROM events");
      assert.equal(result.rows[0].n, filled.valid.length);
    } finally {
      await engine.close();
    }
  });

  it("commits nothing after a batch whose commit failed, though the next batch was already being built", async () => {
    const config = testConfig(tempDataDir(), { SINK_ROLL_ROWS: "100" });
    await fillLog(config, 500);
    /** Refuses (for good) the first file of the run; every later write works. */
    class FirstWriteFails extends LocalStorage {
      failed = false;
      override async writeFile(file: string, data: Uint8Array | string): Promise<void> {
        if (!this.failed) {
          this.failed = true;
          throw new StorageError("disk says no", file, { retriable: false });
        }
        return super.writeFile(file, data);
      }
    }
    const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
    try {
      const storage = new FirstWriteFails(config.storage.warehouse);
      await assert.rejects(runSink({ config, transport, storage, logger: silentLogger, mode: "batch" }), /disk says no/);
      assert.deepEqual(committedFiles(config.storage.warehouse), []);
    } finally {
      await transport.close();
    }
    // The next run lands everything, once.
    const summary = await batch(config);
    assert.equal(summary.records, 500);
    assert.equal((await readTable(config, "events", "kafka_offset")).length, 500);
  });
});
