/**
 * Child processes for the benchmarks: started with their output in a log file, stopped by pid
 * (SIGTERM, then SIGKILL after a grace period), never by name.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";

export interface Started {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** True once the process has ended. */
  done(): boolean;
  stop(graceMs?: number): Promise<number | string>;
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
}

export function start(name: string, command: string, args: readonly string[], options: StartOptions): Started {
  const out = fs.openSync(options.logFile, "a");
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  let finished = false;
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      finished = true;
      resolve(code ?? signal ?? "unknown");
    });
    child.on("error", () => {
      finished = true;
      resolve("spawn-error");
    });
  });
  return {
    name,
    pid: child.pid,
    logFile: options.logFile,
    exited,
    done: () => finished,
    async stop(graceMs = 15_000) {
      if (finished) return exited;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `check` resolves true, or fails after `timeoutMs` (or when `proc` dies first). */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, proc?: Started): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc?.done()) throw new Error(`${what}: ${proc.name} exited early; see ${proc.logFile}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms${proc ? `; see ${proc.logFile}` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** True when an HTTP GET of `url` answers with any status below 500. */
export async function httpUp(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status < 500;
}

/** The last `bytes` of a log file, for error messages. */
export function tail(file: string, bytes = 2000): string {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.slice(-bytes);
  } catch {
    return "";
  }
}
