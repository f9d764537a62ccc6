/**
 * A sink CLI child process for tests that start, kill, freeze and resume sinks: its stderr is kept,
 * and a test can wait for a log line, for it to freeze (SIGSTOP) or to exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const BIN = path.join(__dirname, "..", "..", "src", "bin", "sink.js");
const running = new Set<ChildProcess>();

/** Kills every child still running (call from `after`). */
export function killSinkProcesses(): void {
  for (const c of running) {
    c.kill("SIGCONT");
    c.kill("SIGKILL");
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class SinkProcess {
  readonly child: ChildProcess;
  stderr = "";
  readonly exited: Promise<Exit>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    running.add(this.child);
    this.child.stderr!.on("data", (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on("exit", (code, signal) => {
      running.delete(this.child);
      resolve({ code, signal });
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits until stderr matches `pattern`; fails with the stderr so far after `timeoutMs` or on exit. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    await until(() => pattern.test(this.stderr), timeoutMs, () => `no ${pattern} in stderr of pid ${this.pid}:\n${this.stderr}`, this.exited);
  }

  /** Waits until the process is frozen (state T in /proc). */
  async waitFrozen(timeoutMs = 20_000): Promise<void> {
    await until(() => processState(this.pid) === "T", timeoutMs, () => `pid ${this.pid} did not freeze:\n${this.stderr}`, this.exited);
  }
}

/** The state letter of `pid` in /proc (R, S, T stopped, Z zombie...), or null when there is no such process. */
export function processState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2) || null;
  } catch {
    return null;
  }
}

/** Polls `check` every 50 ms until it holds; fails after `timeoutMs`, or when `abort` settles first. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, message: () => string, abort?: Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let aborted = false;
  void abort?.then(() => (aborted = true));
  while (!(await check())) {
    if (aborted) throw new Error(`process exited: ${message()}`);
    if (Date.now() > deadline) throw new Error(`timed out: ${message()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
