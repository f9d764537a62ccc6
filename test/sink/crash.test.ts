/**
 * THE crash test: a child sink process is SIGKILLed at every named point of the commit protocol
 * (SINK_FAULT, each proven to have fired by its record) and at random moments, while the test keeps
 * appending known events, bad messages included, to the embedded log. After the last kill a batch
 * run lands the rest; then compactions are crashed after their rename and mid-delete, followed by a
 * sink start and a clean compaction. After each recovery an independent reader (DuckDB over the
 * files) finds every expected event exactly once per table, by event_id and by log position.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { FAULT_POINTS, type FaultPoint } from "../../src/sink/faults";
import { prng } from "../helpers/prng";
import { createStorage } from "../../src/storage";
import { assertHalfCommitted, crash, crashLog, describeStep, killChildren, runSinkChild, type CrashStep } from "./crash-harness";
import { assertExactlyOnce } from "./expect";
import { readTable, tempDataDir, testConfig } from "./helpers";

const ROLL_ROWS = 120;
/** The sink's commit points, in protocol order; each is crashed twice, at different occurrences. */
const SINK_POINTS: FaultPoint[] = ["after-local-write", "mid-upload", "after-upload", "after-ownership-check", "between-renames", "after-renames", "before-offset-commit"];
/** Compaction's points, crashed in the compaction phase. */
const COMPACT_POINTS: FaultPoint[] = ["compact-after-rename", "compact-mid-delete"];
/** A fault run that has not reached its point by then fails the test (generous: the machine may be loaded). */
const BACKUP_MS = 60_000;

after(killChildren);

function sinkEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    DATA_DIR: dataDir,
    TOPIC_PARTITIONS: "2",
    SINK_ROLL_ROWS: String(ROLL_ROWS),
    SINK_ROLL_INTERVAL_MS: "80",
    SINK_MAX_MESSAGE_BYTES: "4096",
    SINK_METRICS_PORT: "0",
    LOG_LEVEL: "error",
  };
}

/**
 * Two rounds over the sink's points (occurrences 1-3), each fault followed by a kill at a random
 * moment, except that `between-renames` directly follows the point before it, whose crash leaves
 * nothing renamed: the next run's first rename is then of a fresh batch (not of a recovery
 * completing a batch a random kill cut), and its first occurrence leaves that batch half-committed
 * (the test checks it did: the first rename to finish kills the sink before the fifth file's starts).
 */
function schedule(rand: () => number): CrashStep[] {
  const steps: CrashStep[] = [];
  const kill = () => steps.push({ afterMs: 250 + Math.floor(rand() * 1500) });
  for (let round = 0; round < 2; round++) {
    for (const [j, point] of SINK_POINTS.entries()) {
      steps.push({ point, occurrence: point === "between-renames" ? 1 : 1 + ((j + round) % 3) });
      if (SINK_POINTS[j + 1] !== "between-renames") kill();
    }
    kill();
  }
  return steps;
}

describe("sink crash safety", () => {
  it("schedules a crash at every named fault point", () => {
    assert.deepEqual([...SINK_POINTS, ...COMPACT_POINTS].sort(), [...FAULT_POINTS].sort());
  });

  it("keeps every event exactly once in every table across SIGKILLs at every commit point, random SIGKILLs and crashed compactions", async (t) => {
    const dataDir = tempDataDir("sink-crash-");
    const config = testConfig(dataDir, { TOPIC_PARTITIONS: "2", SINK_MAX_MESSAGE_BYTES: "4096" });
    const env = sinkEnv(dataDir);
    const storage = createStorage(config.storage);
    const stream = ["--mode", "stream", "--no-register"];
    const rand = prng(20261127);
    const log = crashLog(config);
    await log.append(1500);

    const steps = schedule(rand);
    for (const [i, step] of steps.entries()) {
      if ("point" in step) {
        // Records enough for `occurrence` row-rolls that no earlier run committed: the point's
        // occurrence exists however far the previous runs got.
        await log.append(ROLL_ROWS * step.occurrence + ROLL_ROWS / 2);
        if (step.point === "between-renames") {
          // Only a row roll may cut this batch: one the interval cut early can hold four files or
          // fewer, which all rename at once (seen in CI: nothing left waiting to check).
          await crash(step, stream, { ...env, SINK_ROLL_INTERVAL_MS: "10000" }, BACKUP_MS);
          await assertHalfCommitted(storage, step);
        } else {
          await crash(step, stream, env, BACKUP_MS);
        }
      } else {
        const run = crash(step, stream, env, BACKUP_MS);
        if (i % 4 === 1) await log.append(250); // more events arrive while the sink runs
        await run;
      }
    }
    t.diagnostic(`crashes: ${steps.map(describeStep).join(", ")}`);
    // The killed runs made progress on their own (the final run is not doing all the work).
    const landed = await readTable(config, "events", "count(*) AS n");
    // (Not a fixed share: how far a randomly killed run gets depends on the machine's load.)
    assert.ok(Number(landed[0]?.n ?? 0) > 0, `no event of ${log.valid.length} landed before the final run`);
    const final = await runSinkChild(["--mode", "batch", "--no-register"], env, null);
    assert.equal(final.code, 0, final.stderr);
    await assertExactlyOnce(config, log.valid, log.bad);

    // Compaction crashed between its rename and its deletes: the next sink start removes the inputs the merged file covers.
    await crash({ point: "compact-after-rename", occurrence: 2 }, ["--compact"], env, BACKUP_MS);
    const restarted = await runSinkChild(["--mode", "batch", "--no-register"], env, null);
    assert.equal(restarted.code, 0, restarted.stderr);
    await assertExactlyOnce(config, log.valid, log.bad);
    // Compaction crashed among its deletes: the next compaction finishes the job.
    await crash({ point: "compact-mid-delete", occurrence: 3 }, ["--compact"], env, BACKUP_MS);
    const compacted = await runSinkChild(["--compact"], env, null);
    assert.equal(compacted.code, 0, compacted.stderr);
    await assertExactlyOnce(config, log.valid, log.bad);
    const leftovers = fs.readdirSync(config.storage.warehouse).filter((d) => d.startsWith("_"));
    for (const d of leftovers) assert.deepEqual(fs.readdirSync(path.join(config.storage.warehouse, d), { recursive: true }).filter((f) => String(f).endsWith(".parquet")), [], `temp files left in ${d}`);
  });
});
