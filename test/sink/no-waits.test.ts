import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { silentLogger } from "../../src/logger";
import { DuckDbEngine, type QueryEngine, type TableLocation } from "../../src/query";
import { runSink } from "../../src/sink";
import { createStorage } from "../../src/storage";
import { EmbeddedLog, type ConsumeOptions, type Offsets } from "../../src/transport";
import { fillLog, tempDataDir, testConfig } from "./helpers";

/** The embedded log, counting what its subscriptions deliver and its offset commits, and able to hold those back. */
class CountingLog extends EmbeddedLog {
  offsetCommits = 0;
  holdOffsetCommits: Promise<void> = Promise.resolve();
  delivered = 0;
  ended = 0;
  bounds: (Offsets | undefined)[] = [];

  override consume(options: ConsumeOptions) {
    this.bounds.push(options.until);
    return super.consume({
      ...options,
      onBatch: async (records) => {
        this.delivered += records.length;
        await options.onBatch(records);
      },
      onEnd: () => {
        this.ended++;
        options.onEnd?.();
      },
    });
  }

  override async commitOffsets(groupId: string, topic: string, offsets: Offsets): Promise<void> {
    this.offsetCommits++;
    await this.holdOffsetCommits;
    return super.commitOffsets(groupId, topic, offsets);
  }
}

/** DuckDB whose table registration waits until `release()`. */
function slowRegistration(engine: DuckDbEngine): { engine: QueryEngine; release: () => void; registered: () => boolean } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let done = false;
  const wrapped: QueryEngine = {
    kind: engine.kind,
    registersPartitions: engine.registersPartitions,
    query: (sql) => engine.query(sql),
    async registerTables(tables: readonly TableLocation[]) {
      await gate;
      await engine.registerTables(tables);
      done = true;
    },
    syncPartitions: (table) => engine.syncPartitions(table),
    close: () => engine.close(),
  };
  return { engine: wrapped, release, registered: () => done };
}

/** Batches committed to a table: distinct file names (one per batch, in each dt folder it has rows for). */
const batchesIn = (table: string) =>
  fs.existsSync(table) ? new Set(fs.readdirSync(table, { recursive: true }).map((f) => path.basename(String(f))).filter((f) => f.endsWith(".parquet"))).size : 0;

/** Resolves once `cond()` holds; fails after 20 s (a sink that waits for what it should not never gets there). */
async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("sink: nothing waits that need not", () => {
  it("a batch run reads up to the end offsets taken at its start, and an empty increment reads nothing", async () => {
    const config = testConfig(tempDataDir());
    await fillLog(config, 300, { partitions: 2 });
    const transport = new CountingLog({ file: config.transport.embeddedPath, logger: silentLogger });
    try {
      const storage = createStorage(config.storage);
      const ends = Object.fromEntries(await transport.endOffsets(config.transport.topic));
      const first = await runSink({ config, transport, storage, logger: silentLogger, mode: "batch" });
      assert.equal(first.records, 300);
      assert.deepEqual(Object.fromEntries(transport.bounds[0]!), ends);
      assert.equal(transport.ended, 1, "the run ended because its bound was reached");
      transport.delivered = 0;
      const again = await runSink({ config, transport, storage, logger: silentLogger, mode: "batch" });
      assert.equal(again.records, 0);
      assert.equal(transport.delivered, 0);
      assert.equal(transport.ended, 2);
    } finally {
      await transport.close();
    }
  });

  it("commits batches while the query engine is still registering the tables, and registers before it exits", async () => {
    const config = testConfig(tempDataDir(), { SINK_ROLL_ROWS: "200" });
    await fillLog(config, 1000);
    const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
    const duck = await DuckDbEngine.open();
    const slow = slowRegistration(duck);
    let running: Promise<unknown> = Promise.resolve();
    try {
      running = runSink({ config, transport, storage: createStorage(config.storage), engine: slow.engine, logger: silentLogger, mode: "batch" });
      const events = path.join(config.storage.warehouse, "events");
      await waitFor(() => batchesIn(events) >= 5, "5 batches committed before the tables are registered");
      assert.equal(slow.registered(), false);
      slow.release();
      const summary = (await running) as Awaited<ReturnType<typeof runSink>>;
      assert.equal(summary.records, 1000);
      assert.equal(slow.registered(), true);
      const [{ n }] = (await duck.query("SELECT count(*) AS n FROM events")).rows;
      assert.equal(Number(n), 1000);
    } finally {
      slow.release();
      await running.catch(() => undefined);
      await transport.close();
      await duck.close();
    }
  });

  it("does not hold a commit for the consumer-group offsets of the one before", async () => {
    const config = testConfig(tempDataDir(), { SINK_ROLL_ROWS: "100" });
    await fillLog(config, 1000);
    const transport = new CountingLog({ file: config.transport.embeddedPath, logger: silentLogger });
    let release!: () => void;
    transport.holdOffsetCommits = new Promise<void>((resolve) => (release = resolve));
    let running: Promise<unknown> = Promise.resolve();
    try {
      running = runSink({ config, transport, storage: createStorage(config.storage), logger: silentLogger, mode: "batch" });
      const events = path.join(config.storage.warehouse, "events");
      // Every batch is committed to the tables while the first offset commit is still held.
      await waitFor(() => batchesIn(events) >= 10, "10 batches committed while the first offset commit is held");
      assert.equal(transport.offsetCommits, 1);
      release();
      const summary = (await running) as Awaited<ReturnType<typeof runSink>>;
      assert.equal(summary.batches, 10);
      // Latest position only: the held commit, then one for everything committed meanwhile.
      assert.ok(transport.offsetCommits <= 3, `${transport.offsetCommits} offset commits`);
      assert.deepEqual(Object.fromEntries(await transport.committedOffsets(config.sink.groupId, config.transport.topic)), summary.positions);
    } finally {
      release();
      await running.catch(() => undefined);
      await transport.close();
    }
  });
});
