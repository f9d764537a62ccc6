/**
 * Registers the tables, and the partitions the sink's commits add, with the query engine in the
 * background: neither the first fetch nor any commit waits for it.
 *
 * Why: on Trino every statement is a query of its own (0.1-2 s warm; a cold coordinator took 52 s
 * for the start-up DDL, bench/RESULTS.md "sink on the real stack"), and the files are the sink's
 * checkpoint, not the metastore, so nothing about exactly-once depends on when a table or a
 * partition becomes visible. Only visibility does: a commit's new partitions are synced after the
 * start-up registration (which itself syncs every partition folder that exists when it runs).
 */
import type { TableDef } from "../events";
import type { Logger } from "../logger";
import type { QueryEngine } from "../query/engine";
import { registerTables } from "../query/register";
import type { Storage } from "../storage";
import { partitionKey } from "../storage/layout";
import { DayAhead } from "./day-ahead";

export interface RegistrationOptions {
  engine: QueryEngine;
  storage: Storage;
  tables: readonly TableDef[];
  logger: Logger;
  /** Partitions the engine is known to have (from the committed files at start). */
  known: Set<string>;
  /** Streaming on a metastore engine: today's and tomorrow's partitions are made ready ahead of time. */
  dayAhead: boolean;
  /** The wall clock that decides which days are made ready (default Date.now; tests fix it). */
  now?: () => number;
  /** Called once when registering fails; the sink then stops with that error. */
  onFailed: (error: Error) => void;
}

export class Registration {
  private readonly dayAhead: DayAhead | null;
  /** Resolves once the tables are registered (never rejects: failures go to onFailed). */
  private readonly ready: Promise<boolean>;
  /** The last partition sync started (never rejects). */
  private syncs: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(private readonly options: RegistrationOptions) {
    const { engine, storage, tables, logger, known } = options;
    this.dayAhead = options.dayAhead && engine.registersPartitions ? new DayAhead({ storage, engine, tables, logger, known }) : null;
    const started = Date.now();
    this.ready = registerTables(engine, storage, tables)
      .then(() => this.dayAhead?.start(this.now()))
      .then(
        () => {
          logger.debug("tables registered", { ms: Date.now() - started });
          return true;
        },
        (error: unknown) => this.fail(error),
      );
  }

  /** Resolves once the start-up registration is done or has failed. */
  async registered(): Promise<void> {
    await this.ready;
  }

  /** Makes a commit's new partitions visible, after the start-up registration, in commit order. */
  committed(files: readonly { table: string; dt: string }[]): void {
    const { engine, tables, known } = this.options;
    const sync = async () => {
      if (!(await this.ready) || this.failed) return;
      this.dayAhead?.ahead(this.now());
      // Decided only now: the start-up registration may have made these partitions known meanwhile.
      const changed = new Set<string>();
      for (const f of files) {
        const key = partitionKey(f.table, f.dt);
        if (!known.has(key)) changed.add(f.table);
        known.add(key);
      }
      // Concurrently: the first batch of a new day adds a partition to every table.
      await Promise.all(tables.filter((t) => changed.has(t.name)).map((t) => engine.syncPartitions(t)));
    };
    this.syncs = this.syncs.then(sync).catch((error: unknown) => void this.fail(error));
  }

  /** Waits for the registration and every partition sync started so far (and the day-ahead work). */
  async settled(): Promise<void> {
    await this.ready;
    await this.syncs;
    await this.dayAhead?.settled();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private fail(error: unknown): false {
    if (!this.failed) {
      this.failed = true;
      const failure = error instanceof Error ? error : new Error(String(error));
      this.options.logger.error("registering tables with the query engine failed; stopping", { error: failure.message });
      this.options.onFailed(failure);
    }
    return false;
  }
}
