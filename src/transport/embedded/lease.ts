/**
 * The embedded log's partition ownership: ONE sink per topic and consumer group holds a lease on
 * the whole topic. Pure: who may take the lease, and what to tell the one who may not.
 *
 * Why a lease and not partition assignment among local workers: one sink process lands well over
 * 100k events/s from the embedded log (bench/RESULTS.md, sink), more than the embedded API can
 * append on the same laptop, so a second local worker would add contention, not throughput; users
 * who need several workers need several machines, which means Kafka and its consumer groups.
 *
 * Takeover bound: a holder renews its lease every third of its time to live. A new sink takes the
 * lease over at once when the holder's process is gone (same host: its pid is no longer running,
 * is a zombie, or was reused by another process), and otherwise once the lease has not been
 * renewed for its time to live (a frozen holder, or one on another host).
 */
import type { OwnerInfo } from "../../errors";

export interface LeaseRow extends OwnerInfo {
  /** Random per subscription: tells a holder's own row from a successor's. */
  token: string;
  /** The holder's process start time (Linux /proc), to tell a reused pid from the holder; null when unknown. */
  procStart: string | null;
  renewedAt: number;
  ttlMs: number;
}

export type Claimant = Pick<LeaseRow, "token" | "pid" | "host" | "procStart">;

/** Whether the holder's process still runs: null when it cannot be told (another host). */
export type HolderAlive = (holder: LeaseRow) => boolean | null;

export type LeaseVerdict =
  | { kind: "free" }
  | { kind: "take-over"; reason: string; previous: LeaseRow }
  | { kind: "held"; holder: LeaseRow };

/** May `me` take the lease whose current row is `row` (undefined: nobody holds it)? */
export function judgeLease(row: LeaseRow | undefined, me: Claimant, now: number, alive: HolderAlive): LeaseVerdict {
  if (!row || row.token === me.token) return { kind: "free" };
  if (alive(row) === false) return { kind: "take-over", reason: `its holder (pid ${row.pid} on ${row.host}) is gone`, previous: row };
  const silentMs = now - row.renewedAt;
  if (silentMs > row.ttlMs) {
    return { kind: "take-over", reason: `its holder (pid ${row.pid} on ${row.host}) has not renewed it for ${seconds(silentMs)} (time to live ${seconds(row.ttlMs)})`, previous: row };
  }
  return { kind: "held", holder: row };
}

/** The refusal a second sink prints: who holds the lease, since when, and when it would lapse. */
export function heldMessage(topic: string, groupId: string, holder: LeaseRow, now: number): string {
  return (
    `another sink is already writing topic "${topic}" for group "${groupId}" from this log: ` +
    `pid ${holder.pid} on host ${holder.host}, since ${new Date(holder.since).toISOString()} ` +
    `(lease renewed ${seconds(Math.max(0, now - holder.renewedAt))} ago). Only one sink per embedded log and warehouse runs at a time: ` +
    `stop that one first. If it was killed, this start takes over at once; if it is frozen or on another host, ` +
    `once its lease has not been renewed for ${seconds(holder.ttlMs)}.`
  );
}

/** The error a holder gets once a successor has taken its lease. */
export function lostMessage(topic: string, successor: LeaseRow | undefined): string {
  const who = successor ? `pid ${successor.pid} on host ${successor.host} since ${new Date(successor.since).toISOString()}` : "nobody (the lease was released)";
  return `lost the lease on topic "${topic}": it is now held by ${who}; nothing more is committed by this sink`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
