/**
 * THE crash test: a child sink process is SIGKILLed at random moments (and at named points of
 * the commit protocol, through SINK_FAULT) while the test keeps appending known events, bad
 * messages included, to the embedded log. After the last kill a batch run lands the rest, a
 * compaction is crashed mid-way and re-run, and an independent reader (DuckDB over the files)
 * checks that every table holds each expected event exactly once.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import type { GameEvent } from "../../src/events";
import { FAULT_POINTS } from "../../src/sink/faults";
import { assertExactlyOnce } from "./expect";
import { prng } from "../helpers/prng";
import { fillLog, readTable, tempDataDir, testConfig } from "./helpers";

const BIN = path.join(__dirname, "..", "..", "src", "bin", "sink.js");
const KILLS = 24;
/** The sink's commit points (the compaction's are crashed at the end). */
const SINK_POINTS = FAULT_POINTS.filter((p) => !p.startsWith("compact-"));
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) c.kill("SIGKILL");
});

function sinkEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    DATA_DIR: dataDir,
    TOPIC_PARTITIONS: "2",
    SINK_ROLL_ROWS: "120",
    SINK_ROLL_INTERVAL_MS: "80",
    SINK_MAX_MESSAGE_BYTES: "4096",
    SINK_METRICS_PORT: "0",
    LOG_LEVEL: "error",
    ...extra,
  };
}

/** Runs the sink CLI; kills it with SIGKILL after `killAfterMs` (if still running). Resolves with how it ended. */
function runChild(args: string[], env: NodeJS.ProcessEnv, killAfterMs: number | null): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
    children.add(child);
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stderr });
    });
  });
}

describe("sink crash safety", () => {
  it(`keeps every event exactly once in every table across ${KILLS} SIGKILLs, commit-point faults and a crashed compaction`, async () => {
    const dataDir = tempDataDir("sink-crash-");
    const config = testConfig(dataDir, { TOPIC_PARTITIONS: "2", SINK_MAX_MESSAGE_BYTES: "4096" });
    const rand = prng(20261127);
    const valid: GameEvent[] = [];
    let bad = 0;
    let next = 0;
    const append = async (n: number) => {
      const filled = await fillLog(config, n, { from: next, badEvery: 97, partitions: 2 });
      valid.push(...filled.valid);
      bad += filled.bad;
      next += n;
    };
    await append(1500);
    const endings: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      // Every third run crashes itself at a named commit point; the others are killed at a random moment.
      const fault = i % 3 === 0 ? SINK_POINTS[(i / 3) % SINK_POINTS.length] : null;
      const env = sinkEnv(dataDir, fault ? { SINK_FAULT: fault, SINK_FAULT_AFTER: String(1 + Math.floor(rand() * 3)) } : {});
      const killAfter = fault ? 15_000 : 250 + Math.floor(rand() * 1500);
      const run = runChild(["--mode", "stream", "--no-register"], env, killAfter);
      if (i % 4 === 1) await append(250); // more events arrive while the sink runs
      const ended = await run;
      assert.equal(ended.signal, "SIGKILL", `run ${i} ended by itself: code ${ended.code}\n${ended.stderr}`);
      endings.push(fault ?? `t+${killAfter}ms`);
    }
    // The killed runs made progress on their own (the final run is not doing all the work).
    const landed = await readTable(config, "events", "count(*) AS n");
    // (Not a fixed share: how far a randomly killed run gets depends on the machine's load.)
    assert.ok(Number(landed[0]?.n ?? 0) > 0, `no event of ${valid.length} landed before the final run`);
    const final = await runChild(["--mode", "batch", "--no-register"], sinkEnv(dataDir), null);
    assert.equal(final.code, 0, final.stderr);
    await assertExactlyOnce(config, valid, bad);

    // Compaction crashed between its rename and its deletes, then re-run: still exactly once.
    const crashed = await runChild(["--compact"], sinkEnv(dataDir, { SINK_FAULT: "compact-mid-delete" }), 30_000);
    assert.equal(crashed.signal, "SIGKILL", crashed.stderr);
    const compacted = await runChild(["--compact"], sinkEnv(dataDir), null);
    assert.equal(compacted.code, 0, compacted.stderr);
    await assertExactlyOnce(config, valid, bad);
    const leftovers = fs.readdirSync(config.storage.warehouse).filter((d) => d.startsWith("_"));
    for (const d of leftovers) assert.deepEqual(fs.readdirSync(path.join(config.storage.warehouse, d), { recursive: true }).filter((f) => String(f).endsWith(".parquet")), [], `temp files left in ${d}`);
  });
});
