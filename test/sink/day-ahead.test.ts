import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { TABLES, type TableDef } from "../../src/events";
import { silentLogger } from "../../src/logger";
import type { QueryEngine, QueryResult } from "../../src/query";
import { runSink } from "../../src/sink";
import { DayAhead } from "../../src/sink/day-ahead";
import { createStorage, LocalStorage } from "../../src/storage";
import { EmbeddedLog } from "../../src/transport";
import { waitUntil } from "../helpers/wait";
import { fillLog, tempDataDir, testConfig } from "./helpers";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 27, 23, 30);

/** An engine with a metastore: records which tables it was asked to sync, and can be made to fail. */
function recordingEngine(): QueryEngine & { synced: string[]; failing: boolean } {
  return {
    kind: "trino",
    registersPartitions: true,
    synced: [],
    failing: false,
    async query(): Promise<QueryResult> {
      return { columns: [], rows: [] };
    },
    async registerTables() {},
    async syncPartitions(table: TableDef) {
      if (this.failing) throw new Error("coordinator unavailable");
      this.synced.push(table.name);
    },
    async close() {},
  };
}

const dtFolders = (root: string, table: string) => fs.readdirSync(path.join(root, table)).sort();

describe("partitions registered a day ahead", () => {
  it("makes today's and tomorrow's folders in every table and syncs each table at start", async () => {
    const root = tempDataDir("day-ahead-");
    const engine = recordingEngine();
    const known = new Set<string>();
    await new DayAhead({ storage: new LocalStorage(root), engine, tables: TABLES, logger: silentLogger, known }).start(NOW);
    for (const t of TABLES) {
      assert.deepEqual(dtFolders(root, t.name), ["dt=2026-11-27", "dt=2026-11-28"]);
      assert.ok(known.has(`${t.name}/2026-11-27`) && known.has(`${t.name}/2026-11-28`));
    }
    assert.deepEqual([...engine.synced].sort(), TABLES.map((t) => t.name).sort());
  });

  it("registers the next day once the day turns, and only once", async () => {
    const root = tempDataDir("day-ahead-");
    const engine = recordingEngine();
    const ahead = new DayAhead({ storage: new LocalStorage(root), engine, tables: TABLES, logger: silentLogger, known: new Set() });
    await ahead.start(NOW);
    const atStart = engine.synced.length;
    ahead.ahead(NOW + 60_000); // still the 27th: tomorrow is ready
    await ahead.settled();
    assert.equal(engine.synced.length, atStart);
    ahead.ahead(NOW + DAY); // the 28th: the 29th is made ready
    ahead.ahead(NOW + DAY + 1000);
    await ahead.settled();
    assert.equal(engine.synced.length, atStart + TABLES.length);
    assert.deepEqual(dtFolders(root, "events"), ["dt=2026-11-27", "dt=2026-11-28", "dt=2026-11-29"]);
  });

  it("retries a day whose registration failed at the next commit, without failing the sink", async () => {
    const root = tempDataDir("day-ahead-");
    const engine = recordingEngine();
    const known = new Set<string>();
    const ahead = new DayAhead({ storage: new LocalStorage(root), engine, tables: TABLES, logger: silentLogger, known });
    engine.failing = true;
    ahead.ahead(NOW);
    await ahead.settled(); // the failure is logged, not thrown
    assert.equal(known.has("events/2026-11-28"), false);
    engine.failing = false;
    ahead.ahead(NOW);
    await ahead.settled();
    assert.equal(known.has("events/2026-11-28"), true);
    assert.equal(engine.synced.filter((t) => t === "events").length, 1);
  });

  it("in streaming mode on a metastore engine, the first commit of the day waits for no partition sync", async () => {
    const config = testConfig(tempDataDir(), { SINK_ROLL_ROWS: "1000000", SINK_ROLL_INTERVAL_MS: "100" });
    // Events of the current day, as a live game sends them; the sink's clock is fixed at that day,
    // so the test means the same whenever it runs (even across midnight UTC).
    await fillLog(config, 50, { startMs: NOW });
    const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
    const engine = recordingEngine();
    const controller = new AbortController();
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const running = runSink({
      config, metricsPort: null, transport, storage: createStorage(config.storage), engine, logger: silentLogger, mode: "stream", signal: controller.signal,
      onReady: () => ready(), now: () => NOW,
    });
    await started;
    const afterStart = engine.synced.length;
    const events = path.join(config.storage.warehouse, "events");
    const committed = () => fs.readdirSync(events, { recursive: true }).some((f) => String(f).endsWith(".parquet"));
    await waitUntil(committed, "the first commit", { everyMs: 20 });
    controller.abort();
    const summary = await running;
    await transport.close();
    assert.equal(summary.records, 50);
    // Registration (one sync per table) plus today's and tomorrow's (one more per table) at start; none at the commit.
    assert.equal(afterStart, TABLES.length * 2);
    assert.equal(engine.synced.length, afterStart);
  });
});

describe("partition sync after a commit", () => {
  it("syncs a table's partitions when a commit creates a new dt folder in it, and not when the folder exists", async () => {
    const config = testConfig(tempDataDir(), { SINK_ROLL_ROWS: "100" });
    // Three batches of 100 events: day A, day B, then late events of day A again (no bad messages:
    // dead letters are dated by ingestion, i.e. by the real clock).
    const dayA = Date.UTC(2026, 10, 20, 12);
    const dayB = Date.UTC(2026, 10, 21, 12);
    await fillLog(config, 100, { from: 0, startMs: dayA });
    await fillLog(config, 100, { from: 100, startMs: dayB - 100 * 37 });
    await fillLog(config, 100, { from: 200, startMs: dayA });
    const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
    const engine = recordingEngine();
    const summary = await runSink({ config, transport, storage: createStorage(config.storage), engine, logger: silentLogger, mode: "batch" });
    await transport.close();
    assert.equal(summary.batches, 3);
    const eventTables = ["events", "sword_purchases", "purchases", "guilds"];
    for (const t of eventTables) assert.deepEqual(dtFolders(config.storage.warehouse, t), ["dt=2026-11-20", "dt=2026-11-21"], t);
    // Registration syncs every table once; then each of the first two batches' new folders once per table; the third batch none.
    assert.deepEqual(engine.synced, [...TABLES.map((t) => t.name), ...eventTables, ...eventTables]);
  });
});
