/**
 * The state store in PostgreSQL (node-postgres), shared by every API replica. A request's locks
 * are session-level advisory locks (pg_advisory_lock on a 64-bit hash of the lock name), taken in
 * sorted order on the connection that reads the state, claims the request's key (committed at
 * once, so it outlives the replica) and, once the event is in the log, writes the change in one
 * transaction: so one player's decisions are serialised across replicas, and a replica that dies
 * mid-request releases its locks with its connection. Within a process the same names are queued
 * first (LocalLocks), so waiting requests do not hold pool connections.
 */
import { createHash, randomUUID } from "node:crypto";
import { Pool, type PoolClient, type QueryResult } from "pg";
import type { Secret } from "../../secret";
import { LockTimeoutError, StateStoreError } from "../../errors";
import type { Logger } from "../../logger";
import type { Offsets } from "../../transport";
import { LocalLocks } from "./local-locks";
import { playerLock, type GuildChange, type KeyClaim, type KeyRecord, type ReplayedBatch, type StateStore, type StateTx } from "./state-store";

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS memberships (player_id text NOT NULL, guild text NOT NULL, PRIMARY KEY (player_id, guild))",
  "CREATE TABLE IF NOT EXISTS guild_counts (guild text PRIMARY KEY, members bigint NOT NULL)",
  "CREATE TABLE IF NOT EXISTS applied_events (event_id text PRIMARY KEY)",
  "CREATE TABLE IF NOT EXISTS idempotency_keys (key text PRIMARY KEY, event text NOT NULL, at bigint NOT NULL)",
  "CREATE INDEX IF NOT EXISTS idempotency_keys_at ON idempotency_keys (at)",
  // A key's claim (session 5): a store written before has settled keys only.
  "ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS claim text",
  "CREATE TABLE IF NOT EXISTS log_position (topic text NOT NULL, partition int NOT NULL, next_offset bigint NOT NULL, PRIMARY KEY (topic, partition))",
];
/** Serialises schema creation: replicas starting together would race on CREATE TABLE IF NOT EXISTS. */
const SCHEMA_LOCK = "game-events:api-state-schema";

const SQL = {
  isMember: "SELECT 1 FROM memberships WHERE player_id = $1 AND guild = $2",
  counts: "SELECT coalesce((SELECT members FROM guild_counts WHERE guild = $1), 0) AS guild, coalesce((SELECT sum(members) FROM guild_counts), 0) AS total",
  join: "INSERT INTO memberships (player_id, guild) VALUES ($1, $2) ON CONFLICT DO NOTHING",
  leave: "DELETE FROM memberships WHERE player_id = $1 AND guild = $2",
  countUp: "INSERT INTO guild_counts (guild, members) VALUES ($1, 1) ON CONFLICT (guild) DO UPDATE SET members = guild_counts.members + 1",
  countDown: "UPDATE guild_counts SET members = members - 1 WHERE guild = $1",
  markApplied: "INSERT INTO applied_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING",
  unmarkApplied: "DELETE FROM applied_events WHERE event_id = ANY($1::text[]) RETURNING event_id",
  getKey: "SELECT event FROM idempotency_keys WHERE key = $1 AND at >= $2 AND claim IS NULL",
  // One round trip: the key's live row if there is one, else this request's claim (replacing an expired key).
  claimKey:
    "WITH live AS (SELECT event, claim FROM idempotency_keys WHERE key = $1::text AND at >= $2::bigint), " +
    "taken AS (INSERT INTO idempotency_keys (key, event, at, claim) SELECT $1::text, '', $3::bigint, $4::text WHERE NOT EXISTS (SELECT 1 FROM live) " +
    "ON CONFLICT (key) DO UPDATE SET event = excluded.event, at = excluded.at, claim = excluded.claim) " +
    "SELECT event, claim FROM live",
  putKey: "INSERT INTO idempotency_keys (key, event, at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET event = excluded.event, at = excluded.at, claim = NULL",
  unclaim: "DELETE FROM idempotency_keys WHERE key = $1 AND claim = $2",
  dropClaims: "DELETE FROM idempotency_keys WHERE claim = ANY($1::text[])",
  // The logged event settles a claim; it replaces a settled key only once that expired.
  putKeysIfExpired:
    "INSERT INTO idempotency_keys (key, event, at) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) " +
    "ON CONFLICT (key) DO UPDATE SET event = excluded.event, at = excluded.at, claim = NULL WHERE idempotency_keys.at < $4 OR idempotency_keys.claim IS NOT NULL",
  expireKeys: "DELETE FROM idempotency_keys WHERE at < $1",
  position: "SELECT partition, next_offset FROM log_position WHERE topic = $1",
  movePosition:
    "INSERT INTO log_position (topic, partition, next_offset) VALUES ($1, $2, $3) ON CONFLICT (topic, partition) DO UPDATE SET next_offset = greatest(log_position.next_offset, excluded.next_offset)",
};

export interface PostgresStoreOptions {
  /** postgres://user@host:port/database */
  url: string;
  /** The user's password (kept out of the URL, so it never shows where the URL does). */
  password?: Secret | null;
  /** PEM CA(s): when given, only a TLS connection to a server they vouch for is accepted. */
  ca?: string | null;
  /** Most connections this process opens (each request with a guild action or a key holds one while its event is logged). */
  poolSize: number;
  logger: Logger;
}

/**
 * The connection string pg is given: the configured URL with the password filled in. pg lets a
 * connection string's fields override its `password` option, so the password has to go in here;
 * the URL kept for messages stays the configured one, without it.
 */
function withPassword(url: string, password: Secret | null | undefined): string {
  if (!password) return url;
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password.reveal());
  return parsed.toString();
}

export class PostgresStateStore implements StateStore {
  readonly kind = "postgres";
  private readonly locks = new LocalLocks();

  private constructor(private readonly pool: Pool) {}

  /** Connects, creates the tables if needed, and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStateStore> {
    const pool = new Pool({
      connectionString: withPassword(options.url, options.password),
      max: options.poolSize,
      connectionTimeoutMillis: 5000,
      ...(options.ca ? { ssl: { ca: options.ca, rejectUnauthorized: true } } : {}),
    });
    // An idle connection that breaks (server restart) is reported here, not thrown at the process.
    pool.on("error", (error) => options.logger.warn("state store connection lost", { error: error.message }));
    const store = new PostgresStateStore(pool);
    try {
      await store.inTransaction([SCHEMA_LOCK], undefined, async (client) => {
        for (const ddl of SCHEMA) await client.query(ddl);
      });
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new StateStoreError(`cannot open the PostgreSQL state store at ${redact(options.url)}`, { cause: error, retriable: false });
    }
    return store;
  }

  async transact<T>(locks: readonly string[], work: (tx: StateTx) => Promise<T>, waitMs?: number): Promise<T> {
    const release = await this.locks.acquire(locks, waitMs);
    try {
      return await this.holding(locks, waitMs, async (client, session) => {
        const outcomes: Outcome[] = [];
        const claims = new Map<string, string>();
        const result = await work({
          keyed: async (key, since) => ((await query(client, SQL.getKey, [key, since])).rows[0]?.event as string | undefined) ?? null,
          claim: async (key, since, at) => claim(client, key, since, at, claims),
          isMember: async (player, guild) => (await query(client, SQL.isMember, [player, guild])).rowCount! > 0,
          counts: async (guild) => {
            const row = (await query(client, SQL.counts, [guild])).rows[0];
            return { guild: Number(row.guild), total: Number(row.total) };
          },
          record: (outcome) => void outcomes.push(outcome),
          unclaim: (key) => void outcomes.push({ unclaim: { key, claim: claims.get(key) ?? "" } }),
        });
        if (outcomes.length > 0) await commitOutcomes(client, outcomes, session);
        return result;
      });
    } finally {
      release();
    }
  }

  async position(topic: string): Promise<Offsets> {
    const rows = (await this.run(SQL.position, [topic])).rows as { partition: number; next_offset: string }[];
    return new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
  }

  async applyReplayed(batch: ReplayedBatch): Promise<{ applied: number; skipped: number }> {
    // The players' locks, as a request takes them: a request still committing a change of this
    // batch finishes first, and its mark then says the change is already in.
    return this.inTransaction(batch.changes.map((c) => playerLock(c.player)), undefined, async (client) => {
      // One statement each for the marks and the keys: a catch-up passes every change requests recorded.
      const recorded = new Set((await query(client, SQL.unmarkApplied, [batch.changes.map((c) => c.eventId)])).rows.map((r) => r.event_id as string));
      let applied = 0;
      for (const change of batch.changes) {
        if (recorded.has(change.eventId)) continue;
        await applyChange(client, change);
        applied++;
      }
      // ON CONFLICT cannot touch one row twice in a statement: the first event of a key wins anyway.
      const firsts = new Map<string, KeyRecord>();
      for (const k of batch.keys) if (!firsts.has(k.key)) firsts.set(k.key, k);
      const keys = [...firsts.values()];
      if (keys.length > 0) {
        await query(client, SQL.putKeysIfExpired, [keys.map((k) => k.key), keys.map((k) => k.event), keys.map((k) => k.at), batch.keysSince]);
      }
      await query(client, SQL.movePosition, [batch.topic, batch.partition, batch.next]);
      return { applied, skipped: batch.changes.length - applied };
    });
  }

  async expireKeys(before: number): Promise<number> {
    return (await this.run(SQL.expireKeys, [before])).rowCount ?? 0;
  }

  async dropClaims(claims: readonly string[]): Promise<number> {
    return claims.length === 0 ? 0 : ((await this.run(SQL.dropClaims, [claims])).rowCount ?? 0);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async run(sql: string, values: unknown[]) {
    try {
      return await this.pool.query(sql, values);
    } catch (error) {
      throw storeError(error);
    }
  }

  /**
   * A request's session on one pooled connection: its locks are session-level advisory locks
   * (waiting at most `waitMs` for them), held across the statements `body` runs (each committed
   * on its own, so a key's claim is visible to every replica at once) and released at the end, or
   * by PostgreSQL when the connection dies with its replica.
   */
  private async holding<T>(locks: readonly string[], waitMs: number | undefined, body: (client: PoolClient, session: Session) => Promise<T>): Promise<T> {
    const client = await this.connect();
    const session: Session = { unlocked: false };
    let broken: Error | undefined;
    try {
      await query(client, [`SET lock_timeout = ${lockTimeout(waitMs)}`, ...lockStatements(locks, "session")].join("; "));
      return await body(client, session);
    } finally {
      // Session locks outlive a failed statement or a rollback: always let them go.
      if (!session.unlocked) await client.query(UNLOCK).catch((e: Error) => (broken = e));
      client.release(broken);
    }
  }

  /**
   * BEGIN and the locks (waiting at most `waitMs` for them), `body`, COMMIT on one pooled
   * connection; ROLLBACK when `body` throws (its error is rethrown).
   */
  private async inTransaction<T>(locks: readonly string[], waitMs: number | undefined, body: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      await query(client, ["BEGIN", `SET LOCAL lock_timeout = ${lockTimeout(waitMs)}`, ...lockStatements(locks, "transaction")].join("; "));
      const result = await body(client);
      await query(client, "COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((e: Error) => (broken = e));
      throw error; // the store's own failures are already StateStoreErrors; the work's pass through
    } finally {
      client.release(broken);
    }
  }

  private async connect(): Promise<PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw storeError(error);
    }
  }
}

interface Outcome {
  change?: GuildChange;
  key?: KeyRecord;
  unclaim?: { key: string; claim: string };
}

/** A request's session: whether its locks were already let go (with its COMMIT). */
interface Session {
  unlocked: boolean;
}

const UNLOCK = "SELECT pg_advisory_unlock_all()";

/** Claims `key` for a request, remembering its claim in `claims` (see StateTx.claim). */
async function claim(client: PoolClient, key: string, since: number, at: number, claims: Map<string, string>): Promise<KeyClaim> {
  const mine = randomUUID();
  const live = (await query(client, SQL.claimKey, [key, since, at, mine])).rows[0] as { event: string; claim: string | null } | undefined;
  if (live) return live.claim === null ? { state: "done", event: live.event } : { state: "unsettled", claim: live.claim };
  claims.set(key, mine);
  return { state: "claimed" };
}

/**
 * A request's outcomes in one transaction whose COMMIT also lets its locks go (one round trip); a
 * lone key record or give-back is one statement, atomic without a transaction.
 */
async function commitOutcomes(client: PoolClient, outcomes: readonly Outcome[], session: Session): Promise<void> {
  const [only] = outcomes;
  if (outcomes.length === 1 && !only.change && !(only.key && only.unclaim)) {
    if (only.key) await query(client, SQL.putKey, [only.key.key, only.key.event, only.key.at]);
    if (only.unclaim) await query(client, SQL.unclaim, [only.unclaim.key, only.unclaim.claim]);
    return;
  }
  await query(client, "BEGIN");
  try {
    for (const o of outcomes) {
      if (o.change) {
        await applyChange(client, o.change);
        await query(client, SQL.markApplied, [o.change.eventId]);
      }
      if (o.key) await query(client, SQL.putKey, [o.key.key, o.key.event, o.key.at]);
      if (o.unclaim) await query(client, SQL.unclaim, [o.unclaim.key, o.unclaim.claim]);
    }
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined); // a broken connection is dropped when the locks are let go
    throw error;
  }
  await query(client, `COMMIT; ${UNLOCK}`);
  session.unlocked = true;
}

/** PostgreSQL's lock_timeout for a wait of at most `waitMs` (0: no limit). */
function lockTimeout(waitMs: number | undefined): number {
  return waitMs === undefined || waitMs === Infinity ? 0 : Math.max(1, Math.round(waitMs));
}

async function applyChange(client: PoolClient, c: GuildChange): Promise<void> {
  if (c.op === "join") {
    if ((await query(client, SQL.join, [c.player, c.guild])).rowCount! > 0) await query(client, SQL.countUp, [c.guild]);
  } else if ((await query(client, SQL.leave, [c.player, c.guild])).rowCount! > 0) {
    await query(client, SQL.countDown, [c.guild]);
  }
}

/**
 * The statements that take the advisory locks of `names`, in sorted order, held until the
 * transaction ends or until released (session). Each name's 64-bit key is computed here
 * (SHA-256), so they need no parameters and go in one round trip; each runs with its own
 * snapshot, so the reads after them see what the previous holder committed. A session lock and a
 * transaction lock of one name exclude each other (a replay waits for a request).
 */
function lockStatements(names: readonly string[], scope: "session" | "transaction"): string[] {
  const keys = [...new Set(names)].sort().map((name) => createHash("sha256").update(name).digest().readBigInt64BE(0));
  return keys.map((k) => `SELECT ${scope === "session" ? "pg_advisory_lock" : "pg_advisory_xact_lock"}(${k})`);
}

/** Statement names by SQL text: each connection parses and plans a statement once (PREPARE), not per request. */
const PREPARED = new Map(Object.values(SQL).map((text, i) => [text, `state_${i}`]));

/** Rows typed as unknown values: each caller says what a column holds. */
async function query(client: PoolClient, sql: string, values?: unknown[]): Promise<QueryResult<Record<string, unknown>>> {
  try {
    const name = PREPARED.get(sql);
    return await (name === undefined ? client.query<Record<string, unknown>>(sql, values) : client.query<Record<string, unknown>>({ name, text: sql, values }));
  } catch (error) {
    throw storeError(error);
  }
}

/** PostgreSQL's lock_not_available: lock_timeout passed while waiting for an advisory lock. */
const LOCK_NOT_AVAILABLE = "55P03";

function storeError(error: unknown): StateStoreError {
  if (error instanceof StateStoreError) return error;
  if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) return new LockTimeoutError("another replica still holds the lock", { cause: error });
  return new StateStoreError(`the PostgreSQL state store failed: ${(error as Error).message}`, { cause: error });
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
