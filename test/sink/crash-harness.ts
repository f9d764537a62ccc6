/**
 * Runs the sink CLI as a child process and crashes it, with proof of what happened: a run crashed
 * at a named point (SINK_FAULT) must leave the fault's record (SINK_FAULT_RECORD) naming that point
 * and occurrence, and a run the test kills at a moment must still be running at that moment. A
 * run the backup timer had to kill fails the test: its point never came, so the window it names
 * was not exercised. Used by the embedded crash test and the real-stack one; a new commit point
 * only adds steps to their schedules.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as posix from "node:path/posix";
import type { Config } from "../../src/config";
import type { GameEvent } from "../../src/events";
import type { FaultPoint, FaultRecord } from "../../src/sink/faults";
import type { Storage } from "../../src/storage";
import { fillLog } from "./helpers";

const SINK_BIN = path.join(__dirname, "..", "..", "src", "bin", "sink.js");

/** Crash at the `occurrence`-th time the sink reaches `point`, or kill it `afterMs` after its start. */
export type CrashStep = { point: FaultPoint; occurrence: number } | { afterMs: number };

export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** True when the test's timer sent the SIGKILL (a backup timer, or a planned kill). */
  killedByTimer: boolean;
}

const children = new Set<ChildProcess>();

/** Kills every child still running (call from an `after` hook). */
export function killChildren(): void {
  for (const c of children) c.kill("SIGKILL");
}

/** Runs `sink.js args` with exactly `env`; SIGKILLs it after `killAfterMs` when still running (null: never). */
export function runSinkChild(args: string[], env: NodeJS.ProcessEnv, killAfterMs: number | null): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SINK_BIN, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
    children.add(child);
    let stderr = "";
    let killedByTimer = false;
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs === null ? null : setTimeout(() => (killedByTimer = child.kill("SIGKILL")), killAfterMs);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stderr, killedByTimer });
    });
  });
}

/** What a crash step did, for the test's diagnostics: `between-renames#2` or `t+830ms`. */
export function describeStep(step: CrashStep): string {
  return "point" in step ? `${step.point}#${step.occurrence}` : `t+${step.afterMs}ms`;
}

/**
 * Runs one crash step and asserts it happened as planned. `backupMs` bounds a fault run: if the
 * point has not fired by then, the run is killed and the test fails.
 */
export async function crash(step: CrashStep, args: string[], env: NodeJS.ProcessEnv, backupMs: number): Promise<void> {
  if (!("point" in step)) {
    const end = await runSinkChild(args, env, step.afterMs);
    assert.ok(end.killedByTimer && end.signal === "SIGKILL", `${describeStep(step)}: the sink ended by itself (code ${end.code}, signal ${end.signal}) before the kill\n${tail(end.stderr)}`);
    return;
  }
  const record = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fault-")), "record.json");
  const faultEnv = { ...env, SINK_FAULT: step.point, SINK_FAULT_AFTER: String(step.occurrence), SINK_FAULT_RECORD: record };
  const end = await runSinkChild(args, faultEnv, backupMs);
  assert.ok(!end.killedByTimer, `${describeStep(step)} never fired: the backup timer killed the run after ${backupMs} ms\n${tail(end.stderr)}`);
  assert.equal(end.signal, "SIGKILL", `${describeStep(step)}: the sink ended by itself (code ${end.code}) without reaching the point\n${tail(end.stderr)}`);
  assert.ok(fs.existsSync(record), `${describeStep(step)}: the sink was SIGKILLed but left no fault record\n${tail(end.stderr)}`);
  assert.deepEqual(JSON.parse(fs.readFileSync(record, "utf8")) as FaultRecord, { point: step.point, occurrence: step.occurrence }, `${describeStep(step)}: a different fault fired`);
}

/**
 * Files of one batch that are both renamed into their table and still waiting in the temp folder:
 * the state a crash between the renames of two tables leaves, which recovery must complete. A
 * batch's files share one name (its offset range) in every table; the temp folder's layout below
 * `_sink_tmp/` is the sink's business, so it is walked whole.
 */
export async function halfCommitted(storage: Storage, tempFolder = "_sink_tmp"): Promise<{ renamed: string[]; waiting: string[] }> {
  const parquet = async (dir: string, into: string[] = []): Promise<string[]> => {
    for (const entry of await storage.list(dir)) {
      if (entry.isDirectory) await parquet(entry.path, into);
      else if (entry.name.endsWith(".parquet")) into.push(posix.relative(storage.root, entry.path));
    }
    return into;
  };
  const temp = posix.join(storage.root, tempFolder);
  const waiting = await parquet(temp);
  const final: string[] = [];
  for (const table of (await storage.list(storage.root)).filter((e) => e.isDirectory && !e.name.startsWith("_"))) await parquet(table.path, final);
  const base = (p: string) => posix.basename(p);
  const renamedNames = new Set(final.map(base));
  const waitingNames = new Set(waiting.map(base));
  return { renamed: final.filter((f) => waitingNames.has(base(f))), waiting: waiting.filter((w) => renamedNames.has(base(w))) };
}

/** Fails unless `step`'s crash left a batch committed in some tables only (see `halfCommitted`). */
export async function assertHalfCommitted(storage: Storage, step: CrashStep): Promise<void> {
  const half = await halfCommitted(storage);
  assert.ok(half.renamed.length > 0 && half.waiting.length > 0, `${describeStep(step)} left no half-committed batch: ${JSON.stringify(half)}`);
}

/**
 * The events a crash test has logged so far, on two partitions. Seven bad messages (one of each
 * kind) follow every 13th event: every batch then has dead letters, so a file in each of the five
 * tables, one more than the renames that run at once.
 */
export function crashLog(config: Config) {
  const log = {
    valid: [] as GameEvent[],
    bad: 0,
    async append(n: number): Promise<void> {
      const filled = await fillLog(config, n, { from: log.valid.length, badEvery: 13, partitions: 2 });
      log.valid.push(...filled.valid);
      log.bad += filled.bad;
    },
  };
  return log;
}

function tail(text: string): string {
  return text.split("\n").slice(-15).join("\n");
}
