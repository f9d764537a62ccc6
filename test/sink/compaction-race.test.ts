/**
 * Compaction while sinks run. The rule: compaction merges only batches older than a partition's
 * latest committed batch (in any table), because only that one may still be half-committed; a
 * partition's batches commit in order (across workers too: fencing), so nothing a sink does
 * afterwards changes the files below it. These tests break the rule's preconditions on purpose:
 * a half-committed latest batch, a compaction held between its plan and its publish while the sink
 * commits, a streaming sink with compactions running alongside, and two compactions at once.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { TABLES } from "../../src/events";
import { silentLogger } from "../../src/logger";
import { runSink } from "../../src/sink";
import { listCommitted } from "../../src/sink/committed-files";
import { compact } from "../../src/sink/compaction";
import { findSuperseded } from "../../src/sink/recovery-plan";
import { createStorage, LocalStorage } from "../../src/storage";
import { EmbeddedLog } from "../../src/transport";
import { assertExactlyOnce } from "./expect";
import { fillLog, tempDataDir, testConfig } from "./helpers";

type TestConfig = ReturnType<typeof testConfig>;

async function sink(config: TestConfig, mode: "batch" | "stream", signal?: AbortSignal) {
  const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  try {
    return await runSink({ config, transport, storage: createStorage(config.storage), logger: silentLogger, mode, signal });
  } finally {
    await transport.close();
  }
}

/** Local storage whose compaction publishes (renames out of `_compact_tmp`) wait until `open()`. */
class HeldStorage extends LocalStorage {
  private release!: () => void;
  private readonly gate = new Promise<void>((r) => (this.release = r));
  private arrived!: () => void;
  readonly held = new Promise<void>((r) => (this.arrived = r));

  override async rename(from: string, to: string): Promise<boolean> {
    if (from.includes("_compact_tmp")) {
      this.arrived();
      await this.gate;
    }
    return super.rename(from, to);
  }

  open(): void {
    this.release();
  }
}

/** Deletes the latest batch's files from every table but `events`: a crash between its renames. */
async function halfCommitLatest(config: TestConfig): Promise<void> {
  const files = await listCommitted(createStorage(config.storage), TABLES);
  const end = Math.max(...files.map((f) => f.range.end));
  const latest = files.filter((f) => f.range.end === end && f.table !== "events");
  assert.ok(latest.length > 0, "the latest batch has rows outside events");
  for (const f of latest) fs.rmSync(f.path);
}

async function assertNothingNested(config: TestConfig): Promise<void> {
  const nested = findSuperseded(await listCommitted(createStorage(config.storage), TABLES));
  assert.deepEqual(nested.map((f) => path.basename(f.path)), [], "files covered by another file");
}

describe("compaction while sinks run", () => {
  it("leaves a half-committed latest batch alone, so the sink's recovery completes it without doubling what compaction merged", async () => {
    const config = testConfig(tempDataDir("compact-half-"), { SINK_ROLL_ROWS: "90" });
    const first = await fillLog(config, 700, { badEvery: 101 });
    await sink(config, "batch");
    await halfCommitLatest(config);
    const result = await compact({ config, storage: createStorage(config.storage), logger: silentLogger });
    assert.ok(result.merges > 0);
    await sink(config, "batch");
    await assertExactlyOnce(config, first.valid, first.bad);
    await assertNothingNested(config);
  });

  it("publishes a merge planned before the sink completed and committed more batches, without loss or doubles", async () => {
    const config = testConfig(tempDataDir("compact-held-"), { SINK_ROLL_ROWS: "90" });
    const first = await fillLog(config, 700, { badEvery: 101 });
    await sink(config, "batch");
    await halfCommitLatest(config);
    const storage = new HeldStorage(config.storage.warehouse);
    const compaction = compact({ config, storage, logger: silentLogger });
    await storage.held; // planned and built; its first publish waits
    const more = await fillLog(config, 400, { from: 700, badEvery: 101 });
    await sink(config, "batch"); // completes the half-committed batch, then commits new ones
    storage.open();
    await compaction;
    await assertExactlyOnce(config, [...first.valid, ...more.valid], first.bad + more.bad);
    await assertNothingNested(config);
  });

  it("keeps every event once while compactions run again and again next to a streaming sink", async () => {
    const config = testConfig(tempDataDir("compact-stream-"), { SINK_ROLL_ROWS: "60", SINK_ROLL_INTERVAL_MS: "50", TOPIC_PARTITIONS: "2" });
    const stop = new AbortController();
    let appended = await fillLog(config, 300, { badEvery: 97, partitions: 2 });
    const valid = [...appended.valid];
    let bad = appended.bad;
    const streaming = sink(config, "stream", stop.signal);
    let merges = 0;
    for (let round = 1; round <= 6; round++) {
      appended = await fillLog(config, 200, { from: 300 * round, badEvery: 97, partitions: 2 });
      valid.push(...appended.valid);
      bad += appended.bad;
      merges += (await compact({ config, storage: createStorage(config.storage), logger: silentLogger })).merges;
    }
    stop.abort();
    await streaming;
    assert.ok(merges > 0, "no compaction merged anything while the sink ran");
    await compact({ config, storage: createStorage(config.storage), logger: silentLogger });
    await assertExactlyOnce(config, valid, bad);
    await assertNothingNested(config);
  });

  it("settles two compactions that publish nested merges of one partition", async () => {
    const config = testConfig(tempDataDir("compact-twice-"), { SINK_ROLL_ROWS: "90" });
    const first = await fillLog(config, 500, { badEvery: 101 });
    await sink(config, "batch");
    const storage = new HeldStorage(config.storage.warehouse);
    const narrow = compact({ config, storage, logger: silentLogger }); // planned now, held before its publish
    await storage.held;
    const more = await fillLog(config, 400, { from: 500, badEvery: 101 });
    await sink(config, "batch");
    // A second compaction plans wider merges over the same files and publishes them first.
    await compact({ config, storage: createStorage(config.storage), logger: silentLogger }).catch(() => undefined);
    storage.open();
    await narrow.catch(() => undefined);
    await assertExactlyOnce(config, [...first.valid, ...more.valid], first.bad + more.bad);
    await assertNothingNested(config);
  });
});
