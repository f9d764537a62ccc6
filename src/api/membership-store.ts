/**
 * Durable guild membership (SQLite through better-sqlite3) so it survives an API restart.
 * Only changes whose events the log acknowledged are written here, one transaction per batch.
 * synchronous=FULL: a committed change survives power loss, like the embedded log itself.
 */
import Database from "better-sqlite3";
import * as fs from "node:fs";
import * as path from "node:path";
import { StorageError } from "../errors";
import type { Membership, Reservation } from "./guild-book";

export class MembershipStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly applyAll: (changes: readonly Reservation[]) => void;

  constructor(file: string) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      this.db = new Database(file, { timeout: 2000 });
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = FULL");
      this.db.exec("CREATE TABLE IF NOT EXISTS memberships (player_id TEXT NOT NULL, guild TEXT NOT NULL, PRIMARY KEY (player_id, guild)) WITHOUT ROWID");
    } catch (error) {
      throw new StorageError(`cannot open the membership store ${file}`, file, { cause: error, retriable: false });
    }
    this.insert = this.db.prepare("INSERT OR IGNORE INTO memberships (player_id, guild) VALUES (?, ?)");
    this.remove = this.db.prepare("DELETE FROM memberships WHERE player_id = ? AND guild = ?");
    this.applyAll = this.db.transaction((changes: readonly Reservation[]) => {
      for (const c of changes) (c.op === "join" ? this.insert : this.remove).run(c.player, c.guild);
    });
  }

  /** Every stored membership. */
  load(): Membership[] {
    return this.db.prepare("SELECT player_id AS player, guild FROM memberships").all() as Membership[];
  }

  /** Applies acknowledged changes, in order, in one durable transaction. */
  apply(changes: readonly Reservation[]): void {
    if (changes.length > 0) this.applyAll(changes);
  }

  close(): void {
    this.db.close();
  }
}
