/**
 * Fault injection for the crash tests: the sink kills itself with SIGKILL (or freezes itself with
 * SIGSTOP) at a named point of the commit protocol, so windows like "between the renames of two
 * tables" or "between the ownership check and the renames" are hit on purpose rather than by luck.
 * Disabled unless SINK_FAULT names a point.
 */
import { ConfigError } from "../errors";

export const FAULT_POINTS = [
  "after-local-write",
  "mid-upload",
  "after-upload",
  "after-ownership-check",
  "between-renames",
  "after-renames",
  "before-offset-commit",
  "compact-after-rename",
  "compact-mid-delete",
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export interface FaultConfig {
  /** The point to crash at, or null. */
  point: string | null;
  /** Crash on this occurrence of the point (1 = first). */
  after: number;
  /** SIGKILL (crash) or SIGSTOP (freeze until a SIGCONT). */
  signal: "SIGKILL" | "SIGSTOP";
}

export type Faults = (point: FaultPoint) => void;

/** A no-op unless `config.point` is set; then signals the process on the configured occurrence. */
export function createFaults(config: FaultConfig): Faults {
  if (config.point === null) return () => undefined;
  if (!(FAULT_POINTS as readonly string[]).includes(config.point)) {
    throw new ConfigError(`SINK_FAULT must be one of ${FAULT_POINTS.join(", ")}, got "${config.point}"`, "SINK_FAULT");
  }
  let seen = 0;
  return (point) => {
    if (point !== config.point) return;
    seen++;
    if (seen === config.after || (seen > config.after && config.signal === "SIGKILL")) process.kill(process.pid, config.signal);
  };
}

export const noFaults: Faults = () => undefined;
