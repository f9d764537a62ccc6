/**
 * One event per idempotency key within a batch: a client that retried a request whose first
 * attempt landed anyway (a 503 after the log took the event, an API crash before it answered)
 * logs a second event with the same key, and only the first one (lowest offset) is landed.
 *
 * Why per partition and per batch is enough, and stays exactly once after crashes and with
 * several sink workers: the API refuses a key on a different request (422), so every event of a
 * key has the same player, and events are keyed by player, so they are in one partition, in the
 * order they were logged; one worker owns a partition at a time. A batch is a range of offsets
 * per partition, and recovery re-reads exactly that range (recover.ts), so the same records are
 * dropped on the replay as on the first attempt. Copies in different batches are merged away by
 * compaction, which keeps the lowest offset per key in each (table, dt, partition) (compaction.ts).
 * Pure apart from the keys it remembers.
 */
import { ENVELOPE } from "../events";
import type { RoutedRecord } from "./route";

/** The column every event table carries the key in. */
export const KEY_COLUMN = "idempotency_key";
/** `"idempotency_key":"` as toWire writes it: a canonical event's string values hold no quote, so it occurs once, as a key. */
const QUOTED_KEY = `${JSON.stringify(ENVELOPE.find((f) => f.column === KEY_COLUMN)!.json)}:"`;

/** The record's idempotency key, or null (no key, or a dead letter). */
export function idempotencyKeyOf(routed: RoutedRecord): string | null {
  if (routed.canonical) {
    const at = routed.raw.indexOf(QUOTED_KEY);
    if (at < 0) return null;
    const start = at + QUOTED_KEY.length;
    return routed.raw.slice(start, routed.raw.indexOf('"', start));
  }
  const key = routed.row[KEY_COLUMN];
  return typeof key === "string" ? key : null;
}

/** The keys seen in one batch, per partition. */
export class BatchKeys {
  private readonly seen = new Map<number, Set<string>>();

  /** False when an earlier record of this batch and partition had the same key. */
  admit(partition: number, routed: RoutedRecord): boolean {
    const key = idempotencyKeyOf(routed);
    if (key === null) return true;
    let keys = this.seen.get(partition);
    if (!keys) this.seen.set(partition, (keys = new Set()));
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  }
}
