/**
 * The game API's state: guild membership, the idempotency keys of recent requests, and the log
 * position both reflect. Two implementations behind this interface: SQLite (one API process, the
 * embedded default) and PostgreSQL (replicas sharing one database). One contract test suite runs
 * on both (test/api/state/contract.ts).
 *
 * The log is the source of truth: a request's change is written here only after its event is in
 * the log, in the transaction that holds the request's locks, and whatever the log holds that the
 * store lacks (a crash between the two) is applied by `applyReplayed` on the next start (replay.ts).
 */
import type { Offsets } from "../../transport";

export type GuildOp = "join" | "leave";

/** A completed join or leave, named by the event that logged it. */
export interface GuildChange {
  readonly player: string;
  readonly guild: string;
  readonly op: GuildOp;
  readonly eventId: string;
}

/** A keyed request's logged event, kept for the idempotency window. */
export interface KeyRecord {
  readonly key: string;
  /** The event as logged (wire JSON): the original answer is derived from it. */
  readonly event: string;
  /** Epoch ms the request was accepted (the event's timestamp). */
  readonly at: number;
}

export interface GuildCounts {
  /** Members of the guild. */
  readonly guild: number;
  /** Memberships across all guilds. */
  readonly total: number;
}

/**
 * What a request finds for its idempotency key, holding the key's lock. A claim is committed at
 * once, before the request's event goes to the log, and outlives the request if it dies: so a
 * retry on any replica can tell "never sent" from "sent, fate unknown" (README, *Idempotent retries*).
 */
export type KeyClaim =
  /** No request with the key in the window: this request now holds its claim. */
  | { readonly state: "claimed" }
  /** The original request's logged event (wire JSON): its answer is the retry's. */
  | { readonly state: "done"; readonly event: string }
  /**
   * An earlier request claimed the key and ended without recording an outcome (its replica died
   * between its log write and its store write, or its store write failed): whether its event is
   * in the log is known once a replay of the log, begun after this was seen, has run (`dropClaims`).
   */
  | { readonly state: "unsettled"; readonly claim: string };

/** What one request reads and writes while it holds its locks. Reads see committed state only. */
export interface StateTx {
  /** The event logged by the request with this key accepted at or after `since` (epoch ms), if any. */
  keyed(key: string, since: number): Promise<string | null>;
  /** Claims `key` (committed at once) unless a request accepted at or after `since` has it; `at` is this request's time. */
  claim(key: string, since: number, at: number): Promise<KeyClaim>;
  isMember(player: string, guild: string): Promise<boolean>;
  counts(guild: string): Promise<GuildCounts>;
  /** Writes the request's outcome when the transaction commits (once, after its event is in the log); a key record settles its claim. */
  record(outcome: { change?: GuildChange; key?: KeyRecord }): void;
  /** Gives this request's claim of `key` back when the transaction commits: its event is not in the log. */
  unclaim(key: string): void;
}

/** Events read back from one partition of the log, to apply after a crash. */
export interface ReplayedBatch {
  readonly topic: string;
  readonly partition: number;
  /** The position after the batch (next offset to read). */
  readonly next: number;
  readonly changes: readonly GuildChange[];
  /** Keyed events within the idempotency window, in log order: the first of a key wins. */
  readonly keys: readonly KeyRecord[];
  /** Start of the window (epoch ms): a stored key accepted before it is expired and replaced. */
  readonly keysSince: number;
}

export interface StateStore {
  readonly kind: "sqlite" | "postgres";
  /**
   * Runs one request's `work` holding the named locks (for PostgreSQL, across every replica),
   * taken in sorted order, waiting at most `waitMs` for them (then LockTimeoutError). What `work`
   * records is committed when it returns; nothing is if it throws.
   */
  transact<T>(locks: readonly string[], work: (tx: StateTx) => Promise<T>, waitMs?: number): Promise<T>;
  /** Per partition of `topic`, the next log offset the store has not yet replayed. */
  position(topic: string): Promise<Offsets>;
  /**
   * Applies a replayed batch and moves the position past it, in one transaction. A change whose
   * event a request already recorded is skipped (by event_id), so replaying twice changes nothing.
   * A replayed keyed event settles its key's claim (and replaces an expired key).
   */
  applyReplayed(batch: ReplayedBatch): Promise<{ applied: number; skipped: number }>;
  /** Forgets idempotency keys accepted before `before` (epoch ms); returns how many. */
  expireKeys(before: number): Promise<number>;
  /**
   * Drops the claims left unsettled that a replay of the log, begun after they were seen, did not
   * settle (a replayed event of the key replaces its claim): their events are not in the log, so a
   * retry of them is a new request. Returns how many.
   */
  dropClaims(claims: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

/** The lock of one player's guild decisions. */
export const playerLock = (player: string) => `player:${player}`;
/** The lock of one guild's member count: a join or leave decides the count its event logs under it. */
export const guildLock = (guild: string) => `guild:${guild}`;
/** The lock of one idempotency key. */
export const keyLock = (key: string) => `key:${key}`;
