/**
 * `npm run sink -- --mode stream --workers N`: N sink worker processes on this machine, each a
 * member of SINK_GROUP with its share of the topic's partitions (on Kafka; the embedded log lets one
 * hold them all, so the others are refused). Each worker serves its metrics on SINK_METRICS_PORT + i.
 * SIGINT/SIGTERM are passed on; the command ends when every worker has, non-zero if any failed. A
 * worker whose parent dies (kill -9 included) stops by itself: its IPC channel to the parent closes.
 * Starting the workers as separate commands (or on several machines) works the same way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Logger } from "../logger";

export interface WorkersOptions {
  count: number;
  /** Arguments for each worker (the command's own, without --workers). */
  args: readonly string[];
  /** The first worker's metrics port (0: none). */
  metricsPort: number;
  logger: Logger;
}

/** Runs the workers until they have all exited; resolves with the highest exit code. */
export async function runWorkers(options: WorkersOptions): Promise<number> {
  const { count, args, metricsPort, logger } = options;
  const children: ChildProcess[] = [];
  const exits: Promise<number>[] = [];
  for (let i = 0; i < count; i++) {
    const port = metricsPort > 0 ? metricsPort + i : 0;
    const child = spawn(process.execPath, [process.argv[1], ...args, "--metrics-port", String(port), "--worker", String(i + 1)], {
      // The IPC channel is the worker's lifeline: it closes when this process dies, however it dies.
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.channel?.unref();
    children.push(child);
    logger.info("worker started", { worker: i + 1, pid: child.pid, metricsPort: port || null });
    exits.push(
      new Promise((resolve) =>
        child.on("exit", (code, signal) => {
          logger[code === 0 ? "info" : "warn"]("worker exited", { worker: i + 1, pid: child.pid, code, signal });
          resolve(code ?? 1);
        }),
      ),
    );
  }
  const forward = (signal: NodeJS.Signals) => () => {
    for (const c of children) if (c.exitCode === null) c.kill(signal);
  };
  process.on("SIGINT", forward("SIGINT"));
  process.on("SIGTERM", forward("SIGTERM"));
  return Math.max(...(await Promise.all(exits)));
}
