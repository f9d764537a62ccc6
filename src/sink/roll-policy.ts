/**
 * When to roll (close and commit) the buffered files. Pure.
 * Rows and bytes bound file size and memory; the wall-clock interval bounds freshness and fires
 * from a timer even when no new record arrives (Kafka Connect's record-time rotation does not,
 * and low-volume topics then never commit).
 */
export interface RollPolicy {
  maxRows: number;
  maxBytes: number;
  intervalMs: number;
}

export interface BufferState {
  /** Log records buffered (each feeds at most one row per table). */
  records: number;
  /** Bytes of the buffered log records. */
  bytes: number;
  /** When the first record of the open buffer arrived; null when empty. */
  openedAt: number | null;
}

export type RollReason = "rows" | "bytes" | "interval";

export const EMPTY_BUFFER: BufferState = Object.freeze({ records: 0, bytes: 0, openedAt: null });

/** Why the buffer must be rolled now, or null when it may keep filling. An empty buffer never rolls. */
export function rollReason(state: BufferState, now: number, policy: RollPolicy): RollReason | null {
  if (state.records === 0 || state.openedAt === null) return null;
  if (state.records >= policy.maxRows) return "rows";
  if (state.bytes >= policy.maxBytes) return "bytes";
  if (now - state.openedAt >= policy.intervalMs) return "interval";
  return null;
}

/** The state after buffering `records` records of `bytes` bytes at `now`. */
export function addToBuffer(state: BufferState, records: number, bytes: number, now: number): BufferState {
  if (records === 0) return state;
  return { records: state.records + records, bytes: state.bytes + bytes, openedAt: state.openedAt ?? now };
}

/** How long the timer may sleep before the interval could fire (never less than `minMs`). */
export function nextCheckIn(state: BufferState, now: number, policy: RollPolicy, minMs = 10): number {
  if (state.openedAt === null) return policy.intervalMs;
  return Math.max(minMs, state.openedAt + policy.intervalMs - now);
}
