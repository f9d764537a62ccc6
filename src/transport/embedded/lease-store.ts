/**
 * The embedded log's leases, in its SQLite file: one row per (topic, group), changed only inside
 * IMMEDIATE transactions, so two sinks starting at once cannot both take it, and a holder's
 * check sees a successor's takeover the moment it commits.
 */
import type Database from "better-sqlite3";
import { judgeLease, type Claimant, type HolderAlive, type LeaseRow, type LeaseVerdict } from "./lease";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS leases (topic TEXT NOT NULL, group_id TEXT NOT NULL, token TEXT NOT NULL,
  pid INTEGER NOT NULL, host TEXT NOT NULL, proc_start TEXT, since INTEGER NOT NULL, renewed_at INTEGER NOT NULL,
  ttl_ms INTEGER NOT NULL, PRIMARY KEY (topic, group_id));
`;

interface Row {
  token: string;
  pid: number;
  host: string;
  proc_start: string | null;
  since: number;
  renewed_at: number;
  ttl_ms: number;
}

export class LeaseStore {
  private readonly select;
  private readonly upsert;
  private readonly touch;
  private readonly remove;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.select = db.prepare("SELECT token, pid, host, proc_start, since, renewed_at, ttl_ms FROM leases WHERE topic = ? AND group_id = ?");
    this.upsert = db.prepare(
      "INSERT INTO leases (topic, group_id, token, pid, host, proc_start, since, renewed_at, ttl_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (topic, group_id) DO UPDATE SET token = excluded.token, pid = excluded.pid, host = excluded.host, " +
        "proc_start = excluded.proc_start, since = excluded.since, renewed_at = excluded.renewed_at, ttl_ms = excluded.ttl_ms",
    );
    this.touch = db.prepare("UPDATE leases SET renewed_at = ? WHERE topic = ? AND group_id = ? AND token = ?");
    this.remove = db.prepare("DELETE FROM leases WHERE topic = ? AND group_id = ? AND token = ?");
  }

  /** The current holder, if any. */
  holder(topic: string, groupId: string): LeaseRow | undefined {
    const row = this.select.get(topic, groupId) as Row | undefined;
    return row && { token: row.token, pid: row.pid, host: row.host, procStart: row.proc_start, since: row.since, renewedAt: row.renewed_at, ttlMs: row.ttl_ms };
  }

  /** Takes the lease unless someone else validly holds it; the verdict says which happened. */
  acquire(topic: string, groupId: string, me: Claimant, ttlMs: number, now: number, alive: HolderAlive): LeaseVerdict {
    return this.db.transaction(() => {
      const verdict = judgeLease(this.holder(topic, groupId), me, now, alive);
      if (verdict.kind !== "held") this.upsert.run(topic, groupId, me.token, me.pid, me.host, me.procStart, now, now, ttlMs);
      return verdict;
    }).immediate();
  }

  /** Renews the lease; false when it is no longer this token's. */
  renew(topic: string, groupId: string, token: string, now: number): boolean {
    return this.touch.run(now, topic, groupId, token).changes === 1;
  }

  /** Gives the lease up (a clean stop), if still held. */
  release(topic: string, groupId: string, token: string): void {
    this.remove.run(topic, groupId, token);
  }
}
