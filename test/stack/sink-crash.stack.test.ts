/**
 * The crash test on the real stack: a child sink process reads a Kafka topic and commits to HDFS
 * through WebHDFS, and is SIGKILLed at each named commit point (each proven to have fired by its
 * record) and at random moments, while the test keeps producing known events and bad messages to
 * Kafka; then compactions on HDFS are crashed after their rename and mid-delete. After each
 * recovery the warehouse is copied from HDFS and read with DuckDB: every expected event exactly
 * once per table, by event_id and by Kafka offset. Shorter than the embedded one (one crash per
 * point): each run pays a consumer-group join and WebHDFS round trips.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig } from "../../src/config";
import { FAULT_POINTS } from "../../src/sink/faults";
import { createStorage } from "../../src/storage";
import { prng } from "../helpers/prng";
import { assertHalfCommitted, crash, crashLog, describeStep, killChildren, runSinkChild, type CrashStep } from "../sink/crash-harness";
import { assertExactlyOnce } from "../sink/expect";
import { mirrorWarehouse, readTable, tempDataDir } from "../sink/helpers";
import { ensureStack, HDFS_URI, KAFKA_BROKERS, stackEnv } from "./stack";

const ROLL_ROWS = 120;
/** A fault run that has not reached its point by then fails the test. */
const BACKUP_MS = 120_000;

after(killChildren);

describe("sink crash safety on Kafka and HDFS", () => {
  it("keeps every event exactly once in every table across SIGKILLs at every commit point and crashed compactions", { timeout: 15 * 60_000 }, async (t) => {
    await ensureStack(["kafka", "hdfs"]);
    const id = randomUUID().slice(0, 8);
    const dataDir = tempDataDir("stack-crash-");
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...stackEnv(),
      DATA_DIR: dataDir,
      TRANSPORT: "kafka",
      KAFKA_BROKERS: KAFKA_BROKERS.join(","),
      EVENTS_TOPIC: `crash-${id}`,
      TOPIC_PARTITIONS: "2",
      STORAGE: "hdfs",
      HDFS_URI,
      WAREHOUSE_DIR: `/tmp/sink-crash-${id}`,
      SINK_ROLL_ROWS: String(ROLL_ROWS),
      SINK_ROLL_INTERVAL_MS: "200",
      SINK_MAX_MESSAGE_BYTES: "4096",
      SINK_METRICS_PORT: "0",
      LOG_LEVEL: "error",
    };
    const config = loadConfig(env, dataDir);
    const storage = createStorage(config.storage);
    const mirror = loadConfig({ ...env, STORAGE: "local", WAREHOUSE_DIR: path.join(dataDir, "mirror") }, dataDir);
    const check = async () => {
      await mirrorWarehouse(storage, mirror.storage.warehouse);
      await assertExactlyOnce(mirror, log.valid, log.bad);
    };
    const log = crashLog(config);
    const stream = ["--mode", "stream", "--no-register"];
    const rand = prng(20261202);
    const kill = (): CrashStep => ({ afterMs: 3000 + Math.floor(rand() * 4000) });
    // `between-renames` right after a point that renames nothing: its first rename is of a fresh batch.
    const steps: CrashStep[] = [
      { point: "after-local-write", occurrence: 1 },
      kill(),
      { point: "mid-upload", occurrence: 2 },
      { point: "after-upload", occurrence: 2 },
      { point: "after-ownership-check", occurrence: 1 },
      { point: "between-renames", occurrence: 1 },
      kill(),
      { point: "after-renames", occurrence: 1 },
      { point: "before-offset-commit", occurrence: 2 },
      kill(),
    ];
    const compactSteps: CrashStep[] = [
      { point: "compact-after-rename", occurrence: 1 },
      { point: "compact-mid-delete", occurrence: 2 },
    ];
    assert.deepEqual(
      [...steps, ...compactSteps].flatMap((s) => ("point" in s ? [s.point] : [])).sort(),
      [...FAULT_POINTS].sort(),
      "every named point is scheduled",
    );

    // Each run joins a consumer group of its own: a SIGKILLed member stays in its group until its
    // session times out, and a restart in the same group waits for that rebalance (up to a minute,
    // twice: recovery reads through the group too). Where the sink resumes comes from the committed
    // files, never from the group, so this changes how long a restart waits, not what it lands.
    let runs = 0;
    const runEnv = () => ({ ...env, SINK_GROUP: `crash-${id}-${++runs}` });
    await log.append(600);
    const took: string[] = [];
    for (const step of steps) {
      const started = Date.now();
      if ("point" in step) {
        await log.append(ROLL_ROWS * step.occurrence + ROLL_ROWS / 2);
        await crash(step, stream, runEnv(), BACKUP_MS);
        if (step.point === "between-renames") await assertHalfCommitted(storage, step);
      } else {
        const run = crash(step, stream, runEnv(), BACKUP_MS);
        await log.append(250); // more events arrive while the sink runs
        await run;
      }
      took.push(`${describeStep(step)} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    t.diagnostic(`crashes: ${took.join(", ")}`);
    await mirrorWarehouse(storage, mirror.storage.warehouse);
    assert.ok(Number((await readTable(mirror, "events", "count(*) AS n"))[0]?.n ?? 0) > 0, "no event landed before the final run");
    const final = await runSinkChild(["--mode", "batch", "--no-register"], runEnv(), null);
    assert.equal(final.code, 0, final.stderr);
    await check();

    // Compaction crashed after its rename; the next sink start deletes the inputs the merged file covers.
    await crash(compactSteps[0], ["--compact", "--no-register"], env, BACKUP_MS);
    const restarted = await runSinkChild(["--mode", "batch", "--no-register"], runEnv(), null);
    assert.equal(restarted.code, 0, restarted.stderr);
    await check();
    // Compaction crashed among its deletes; the next compaction finishes.
    await crash(compactSteps[1], ["--compact", "--no-register"], env, BACKUP_MS);
    const compacted = await runSinkChild(["--compact", "--no-register"], env, null);
    assert.equal(compacted.code, 0, compacted.stderr);
    await check();
    await storage.delete(config.storage.warehouse);
  });
});
