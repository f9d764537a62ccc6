/**
 * The state store in one SQLite file (better-sqlite3): the embedded default, for ONE API process.
 * Locks are in-process (LocalLocks) and the file is opened in exclusive locking mode, so a second
 * process on the same file fails at start instead of deciding against state it cannot see.
 * synchronous=NORMAL: a power loss may drop the last commits, and with them the position they
 * moved, so the next start replays those events from the log again (the log is the truth).
 *
 * Group commit: the writes requests make (a key's claim, a request's outcome) are queued and
 * committed together in one transaction on the next turn of the event loop; each request waits
 * for its write's commit, still holding its locks, so what it promises (a claim committed before
 * its event goes to the log, the outcome committed before its locks are released) is unchanged.
 * A commit blocks the event loop on the file's writes: ~140 µs each on the 2-core machine, half of
 * it waiting, against ~30 µs per request when 20 requests share one (bench/RESULTS.md). Writes of
 * one batch never touch the same rows: a request's locks cover its key, player and guild until
 * its write is committed. If a batch fails, each write is retried alone, so one bad write fails
 * its own request only.
 */
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { StateStoreError } from "../../errors";
import type { Offsets } from "../../transport";
import { LocalLocks } from "./local-locks";
import { playerLock, type GuildChange, type GuildCounts, type KeyClaim, type KeyRecord, type ReplayedBatch, type StateStore, type StateTx } from "./state-store";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS memberships (player_id TEXT NOT NULL, guild TEXT NOT NULL, PRIMARY KEY (player_id, guild)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS guild_counts (guild TEXT PRIMARY KEY, members INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS applied_events (event_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idempotency_keys (key TEXT PRIMARY KEY, event TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_keys_at ON idempotency_keys (at);
CREATE TABLE IF NOT EXISTS log_position (topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (topic, partition)) WITHOUT ROWID;
`;

export class SqliteStateStore implements StateStore {
  readonly kind = "sqlite";
  private readonly db: Database.Database;
  private readonly locks = new LocalLocks();
  private readonly sql: ReturnType<typeof prepare>;
  private readonly commitOutcomes: (outcomes: readonly Outcome[]) => void;
  private readonly replay: (batch: ReplayedBatch) => { applied: number; skipped: number };
  private readonly commitAll: (writes: readonly QueuedWrite[]) => void;
  /** Writes waiting for the next group commit. */
  private queued: QueuedWrite[] = [];

  constructor(readonly file: string) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      this.db = new Database(file, { timeout: 2000 });
      this.db.pragma("locking_mode = EXCLUSIVE");
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      // A store written before guild_counts existed (schema of session 4) gets its counts from its rows.
      const hadCounts = this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'guild_counts'").get() !== undefined;
      this.db.exec(SCHEMA);
      if (!hadCounts) this.db.exec("INSERT INTO guild_counts SELECT guild, count(*) FROM memberships GROUP BY guild");
      // A key's claim (session 5): a store written before has settled keys only.
      const columns = this.db.prepare("SELECT name FROM pragma_table_info('idempotency_keys')").all() as { name: string }[];
      if (!columns.some((c) => c.name === "claim")) this.db.exec("ALTER TABLE idempotency_keys ADD COLUMN claim TEXT");
    } catch (error) {
      const busy = (error as { code?: string }).code === "SQLITE_BUSY";
      const why = busy ? " (another API process holds it: the SQLite store serves one process; use API_STORE=postgres for replicas)" : "";
      throw new StateStoreError(`cannot open the state store ${file}${why}`, { cause: error, retriable: false });
    }
    this.sql = prepare(this.db);
    this.commitOutcomes = this.db.transaction((outcomes: readonly Outcome[]) => {
      for (const o of outcomes) {
        if (o.change) {
          this.applyChange(o.change);
          this.sql.markApplied.run(o.change.eventId);
        }
        if (o.key) this.sql.putKey.run(o.key.key, o.key.event, o.key.at);
        if (o.unclaim) this.sql.unclaim.run(o.unclaim.key, o.unclaim.claim);
      }
    });
    this.commitAll = this.db.transaction((writes: readonly QueuedWrite[]) => {
      for (const w of writes) w.write();
    });
    this.replay = this.db.transaction((batch: ReplayedBatch) => {
      let applied = 0;
      for (const change of batch.changes) {
        // Recorded by a request: this replay passes it, so its mark is no longer needed.
        if (this.sql.unmarkApplied.run(change.eventId).changes > 0) continue;
        this.applyChange(change);
        applied++;
      }
      for (const k of batch.keys) this.sql.putKeyIfExpired.run(k.key, k.event, k.at, batch.keysSince);
      this.sql.movePosition.run(batch.topic, batch.partition, batch.next);
      return { applied, skipped: batch.changes.length - applied };
    });
  }

  async transact<T>(locks: readonly string[], work: (tx: StateTx) => Promise<T>, waitMs?: number): Promise<T> {
    const release = await this.locks.acquire(locks, waitMs);
    try {
      const outcomes: Outcome[] = [];
      const claims = new Map<string, string>();
      const result = await work({
        keyed: async (key, since) => guard(() => (this.sql.getKey.get(key, since) as { event: string } | undefined)?.event ?? null),
        claim: (key, since, at) => this.claim(key, since, at, claims),
        isMember: async (player, guild) => guard(() => this.sql.isMember.get(player, guild) !== undefined),
        counts: async (guild) => guard(() => this.sql.counts.get(guild) as GuildCounts),
        record: (outcome) => void outcomes.push(outcome),
        unclaim: (key) => void outcomes.push({ unclaim: { key, claim: claims.get(key) ?? "" } }),
      });
      if (outcomes.length > 0) await this.commitSoon(() => this.commitOutcomes(outcomes));
      return result;
    } finally {
      release();
    }
  }

  async position(topic: string): Promise<Offsets> {
    const rows = guard(() => this.sql.position.all(topic) as { partition: number; next_offset: number }[]);
    return new Map(rows.map((r) => [r.partition, r.next_offset]));
  }

  async applyReplayed(batch: ReplayedBatch): Promise<{ applied: number; skipped: number }> {
    // The players' locks, as a request takes them: a request still between its log write and its
    // store write finishes first (a catch-up runs while requests are served), and its mark then
    // says the change is already in.
    const release = await this.locks.acquire(batch.changes.map((c) => playerLock(c.player)));
    try {
      return guard(() => this.replay(batch));
    } finally {
      release();
    }
  }

  async expireKeys(before: number): Promise<number> {
    return guard(() => this.sql.expireKeys.run(before).changes);
  }

  async dropClaims(claims: readonly string[]): Promise<number> {
    return guard(() => claims.reduce((n, claim) => n + this.sql.dropClaim.run(claim).changes, 0));
  }

  async close(): Promise<void> {
    this.flush();
    if (this.db.open) this.db.close();
  }

  /** Claims `key` for a request, remembering its claim in `claims` (see StateTx.claim); resolves once the claim is committed. */
  private async claim(key: string, since: number, at: number, claims: Map<string, string>): Promise<KeyClaim> {
    const live = guard(() => this.sql.liveKey.get(key, since) as { event: string; claim: string | null } | undefined);
    if (live) return live.claim === null ? { state: "done", event: live.event } : { state: "unsettled", claim: live.claim };
    const claim = randomUUID();
    await this.commitSoon(() => this.sql.claimKey.run(key, at, claim));
    claims.set(key, claim);
    return { state: "claimed" };
  }

  /** Queues `write` for the next group commit; resolves once it is committed. */
  private commitSoon(write: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => this.flush());
      this.queued.push({ write, done: (error) => (error === undefined ? resolve() : reject(error)) });
    });
  }

  /** Commits the queued writes in one transaction; after a failure, each alone. */
  private flush(): void {
    const writes = this.queued;
    if (writes.length === 0) return;
    this.queued = [];
    try {
      guard(() => this.commitAll(writes));
      for (const w of writes) w.done();
    } catch (error) {
      if (writes.length === 1) return writes[0].done(error as Error);
      for (const w of writes) {
        try {
          guard(() => this.commitAll([w]));
          w.done();
        } catch (alone) {
          w.done(alone as Error);
        }
      }
    }
  }

  private applyChange(c: GuildChange): void {
    if (c.op === "join") {
      if (this.sql.join.run(c.player, c.guild).changes > 0) this.sql.countUp.run(c.guild);
    } else if (this.sql.leave.run(c.player, c.guild).changes > 0) {
      this.sql.countDown.run(c.guild);
    }
  }
}

interface QueuedWrite {
  write: () => void;
  /** Called once: with nothing when the write is committed, with the error when it failed. */
  done: (error?: Error) => void;
}

interface Outcome {
  change?: GuildChange;
  key?: KeyRecord;
  unclaim?: { key: string; claim: string };
}

function prepare(db: Database.Database) {
  return {
    isMember: db.prepare("SELECT 1 FROM memberships WHERE player_id = ? AND guild = ?"),
    counts: db.prepare("SELECT coalesce((SELECT members FROM guild_counts WHERE guild = ?), 0) AS guild, coalesce((SELECT sum(members) FROM guild_counts), 0) AS total"),
    join: db.prepare("INSERT OR IGNORE INTO memberships (player_id, guild) VALUES (?, ?)"),
    leave: db.prepare("DELETE FROM memberships WHERE player_id = ? AND guild = ?"),
    countUp: db.prepare("INSERT INTO guild_counts (guild, members) VALUES (?, 1) ON CONFLICT (guild) DO UPDATE SET members = members + 1"),
    countDown: db.prepare("UPDATE guild_counts SET members = members - 1 WHERE guild = ?"),
    markApplied: db.prepare("INSERT OR IGNORE INTO applied_events (event_id) VALUES (?)"),
    unmarkApplied: db.prepare("DELETE FROM applied_events WHERE event_id = ?"),
    getKey: db.prepare("SELECT event FROM idempotency_keys WHERE key = ? AND at >= ? AND claim IS NULL"),
    liveKey: db.prepare("SELECT event, claim FROM idempotency_keys WHERE key = ? AND at >= ?"),
    // A key past its window is free again: the newer request replaces it.
    claimKey: db.prepare("INSERT INTO idempotency_keys (key, event, at, claim) VALUES (?, '', ?, ?) ON CONFLICT (key) DO UPDATE SET event = '', at = excluded.at, claim = excluded.claim"),
    putKey: db.prepare("INSERT INTO idempotency_keys (key, event, at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET event = excluded.event, at = excluded.at, claim = NULL"),
    unclaim: db.prepare("DELETE FROM idempotency_keys WHERE key = ? AND claim = ?"),
    dropClaim: db.prepare("DELETE FROM idempotency_keys WHERE claim = ?"),
    // The logged event settles a claim; it replaces a settled key only once that expired.
    putKeyIfExpired: db.prepare(
      "INSERT INTO idempotency_keys (key, event, at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET event = excluded.event, at = excluded.at, claim = NULL " +
        "WHERE idempotency_keys.at < ? OR idempotency_keys.claim IS NOT NULL",
    ),
    expireKeys: db.prepare("DELETE FROM idempotency_keys WHERE at < ?"),
    position: db.prepare("SELECT partition, next_offset FROM log_position WHERE topic = ?"),
    movePosition: db.prepare(
      "INSERT INTO log_position (topic, partition, next_offset) VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET next_offset = max(next_offset, excluded.next_offset)",
    ),
  };
}

function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new StateStoreError(`the SQLite state store failed: ${(error as Error).message}`, { cause: error });
  }
}
