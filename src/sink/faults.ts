/**
 * Fault injection for the crash tests: the sink kills itself with SIGKILL (or freezes itself with
 * SIGSTOP) at a named point of the commit protocol, so windows like "between the renames of two
 * tables" or "between the ownership check and the renames" are hit on purpose rather than by luck.
 * Disabled unless SINK_FAULT names a point. Just before the signal it writes the point and
 * occurrence to SINK_FAULT_RECORD (when set): a SIGKILL looks the same whoever sent it, and the
 * record is how a test tells a fault that fired from a run its backup timer had to kill.
 */
import * as fs from "node:fs";
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
  /** File to write `{"point","occurrence"}` to just before the signal, or null. */
  record?: string | null;
}

/** What a fault that fired leaves in its record file. */
export interface FaultRecord {
  point: FaultPoint;
  occurrence: number;
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
    // A freeze happens once; a crash on any later occurrence too (its process is gone after the first).
    if (seen < config.after || (seen > config.after && config.signal !== "SIGKILL")) return;
    // Synchronous, so the record is on disk before the process is gone.
    if (config.record) fs.writeFileSync(config.record, JSON.stringify({ point, occurrence: seen } satisfies FaultRecord));
    process.kill(process.pid, config.signal);
  };
}

export const noFaults: Faults = () => undefined;
