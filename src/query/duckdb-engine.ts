/**
 * The embedded SQL engine: DuckDB in-process, with one view per table over its local Parquet
 * files. New files in any partition are picked up at query time by the view's glob.
 */
import { fileURLToPath } from "node:url";
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from "@duckdb/node-api";
import type { TableDef } from "../events";
import { QueryError } from "../errors";
import { visibleFilesGlob } from "../storage/layout";
import { duckdbCreateView, literal } from "./ddl";
import type { QueryEngine, QueryResult, TableLocation } from "./engine";

export interface DuckDbEngineOptions {
  /** Database file; in memory by default (the views are re-created by registerTables). */
  path?: string;
}

/** Converts DuckDB's JS values to the engine-neutral result shape (numbers, ISO strings). */
function toPlain(value: unknown, dateOnly: boolean): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return dateOnly ? value.toISOString().slice(0, 10) : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toPlain(v, dateOnly));
  return value;
}

/** A local path from a file:// URI or a plain path. */
const localPath = (location: string): string => (location.startsWith("file:") ? fileURLToPath(location) : location);

export class DuckDbEngine implements QueryEngine {
  readonly kind = "duckdb" as const;
  readonly registersPartitions = false;
  private readonly locations = new Map<string, string>();
  /** One connection; statements run one at a time in call order (view swaps never interleave a query). */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(options: DuckDbEngineOptions = {}): Promise<DuckDbEngine> {
    const instance = await DuckDBInstance.create(options.path ?? ":memory:");
    const connection = await instance.connect();
    // Timestamps are UTC instants; casting TIMESTAMPTZ to TIMESTAMP must not shift them.
    await connection.run("SET TimeZone = 'UTC'");
    return new DuckDbEngine(instance, connection);
  }

  query(sql: string): Promise<QueryResult> {
    return this.serial(async () => {
      try {
        const reader = await this.connection.runAndReadAll(sql);
        const names = reader.columnNames();
        const types = reader.columnTypes();
        const columns = names.map((name, i) => ({ name, type: types[i].toString().toLowerCase() }));
        const dateOnly = types.map((t) => t.typeId === DuckDBTypeId.DATE);
        const rows = reader.getRowsJS().map((row) => {
          const out: Record<string, unknown> = {};
          row.forEach((value, i) => (out[names[i]] = toPlain(value, dateOnly[i])));
          return out;
        });
        return { columns, rows };
      } catch (error) {
        throw new QueryError(`DuckDB: ${(error as Error).message}`, sql, { cause: error });
      }
    });
  }

  async registerTables(tables: readonly TableLocation[]): Promise<void> {
    for (const { table, location } of tables) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !location.startsWith("file:")) {
        throw new QueryError(`DuckDB reads local files only, not ${location} (use Trino/Presto for HDFS tables)`);
      }
      this.locations.set(table.name, localPath(location));
      await this.syncPartitions(table);
    }
  }

  async syncPartitions(table: TableDef): Promise<void> {
    const location = this.locations.get(table.name);
    if (location === undefined) throw new QueryError(`table ${table.name} is not registered`);
    const found = await this.query(`SELECT count(*) AS n FROM glob(${literal(visibleFilesGlob(location))})`);
    await this.query(duckdbCreateView(table, location, Number(found.rows[0].n) > 0));
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
