/**
 * Registers each day's partition before the first event of that day needs it (streaming mode, on
 * engines with a metastore: Trino/Presto).
 *
 * Why: rows in a new dt folder are not countable until the metastore knows the partition, and the
 * sink learns of it only at the first commit of the day, where a `sync_partition_metadata` per table
 * (1-2 s warm, more cold) then held the next commit. The freshness benchmark's first probes waited
 * 6.7 s for it, and the same pause came back after every midnight UTC. Today's and tomorrow's
 * folders are made and synced at start, and each later commit makes sure tomorrow's is, in the
 * background. An empty dt folder reads as an empty partition; the sink's own files are unaffected.
 */
import type { TableDef } from "../events";
import type { Logger } from "../logger";
import type { QueryEngine } from "../query/engine";
import type { Storage } from "../storage";
import { DAY_MS, dtOf, partitionDir, partitionKey } from "../storage/layout";

export interface DayAheadOptions {
  storage: Storage;
  engine: QueryEngine;
  tables: readonly TableDef[];
  logger: Logger;
  /** Partitions the engine knows (storage/layout.ts partitionKey); days made ready are added to it. */
  known: Set<string>;
}

export class DayAhead {
  /** Days made ready, or being made ready. */
  private readonly days = new Set<string>();
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: DayAheadOptions) {}

  /** Makes the day of `now` and the next one ready (awaited once, at start). */
  async start(now: number): Promise<void> {
    await this.ready(dtOf(now), dtOf(now + DAY_MS));
  }

  /** Makes the day after `now` ready in the background unless it is already. A failure is retried at the next call. */
  ahead(now: number): void {
    const dt = dtOf(now + DAY_MS);
    if (this.days.has(dt)) return;
    const run = this.ready(dt).catch((error: unknown) => {
      this.options.logger.warn("could not register tomorrow's partitions ahead of time; will retry", { dt, error: String(error) });
    });
    this.running = this.running.then(() => run);
  }

  /** Resolves when no background registration is running. */
  settled(): Promise<void> {
    return this.running;
  }

  /** Makes the folders of `dts` in every table, then syncs each table once. */
  private async ready(...dts: string[]): Promise<void> {
    const { storage, engine, tables, known } = this.options;
    for (const dt of dts) this.days.add(dt);
    try {
      await Promise.all(tables.flatMap((t) => dts.map((dt) => storage.mkdirs(partitionDir(storage.root, t.name, dt)))));
      await Promise.all(tables.map((t) => engine.syncPartitions(t)));
    } catch (error) {
      for (const dt of dts) this.days.delete(dt);
      throw error;
    }
    for (const t of tables) for (const dt of dts) known.add(partitionKey(t.name, dt));
  }
}
