/**
 * The distributed SQL engine: Trino or PrestoDB over external Parquet tables registered in the
 * Hive Metastore. Uses `presto-client`, which speaks both protocols (engine "trino" sends
 * X-Trino-* headers, the default X-Presto-*); the official `trino-client` speaks Trino only.
 */
import { Client, type Column, type PrestoError } from "presto-client";
import type { TableDef } from "../events";
import { QueryError } from "../errors";
import { literal, prestoAddColumn, trinoCreateSchema, trinoCreateTable, trinoSyncPartitions } from "./ddl";
import type { QueryEngine, QueryResult } from "./engine";

export interface PrestoEngineOptions {
  kind: "trino" | "presto";
  /** Coordinator address, e.g. http://127.0.0.1:8080. */
  url: string;
  catalog: string;
  schema: string;
  user: string;
  /** Bound on one query, in seconds (the client kills the query past it). */
  timeoutSec?: number;
  /** How often the client polls a running query (ms). */
  pollMs?: number;
}

/** Converts the REST protocol's JSON values: timestamps to ISO strings, decimals to numbers. */
function toPlain(value: unknown, type: string): unknown {
  if (typeof value !== "string") return value;
  if (type.startsWith("timestamp")) {
    // "2026-01-01 10:00:00.123" (no zone) or "2026-01-01 10:00:00.123 UTC" (session zone is UTC).
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?: UTC)?$/.exec(value);
    return m ? `${m[1]}T${m[2]}Z` : value;
  }
  if (type.startsWith("decimal")) return Number(value);
  return value;
}

/** The message and retriability of a presto-client failure. */
function describe(error: PrestoError): { message: string; retriable: boolean } {
  const failure = error as { message?: string; errorName?: string; error?: unknown; code?: number };
  const network = failure.error instanceof Error ? failure.error : undefined;
  const name = failure.errorName ? `${failure.errorName}: ` : "";
  const message = `${name}${failure.message ?? "unknown error"}${network ? ` (${network.message})` : ""}`;
  // No answer, or the coordinator still starting: worth retrying. A rejected statement is not.
  const retriable = network !== undefined || failure.errorName === "SERVER_STARTING_UP" || (failure.code ?? 0) >= 500;
  return { message, retriable };
}

export class PrestoEngine implements QueryEngine {
  readonly kind: "trino" | "presto";
  readonly registersPartitions = true;
  private readonly client: Client;
  private readonly dialect: "trino" | "presto";
  private readonly where: { catalog: string; schema: string };
  private schemaReady = false;
  /** The last sync of each table (settled or not; never rejects). */
  private readonly syncs = new Map<string, Promise<void>>();

  constructor(private readonly options: PrestoEngineOptions) {
    this.kind = options.kind;
    this.dialect = options.kind;
    this.where = { catalog: options.catalog, schema: options.schema };
    const url = new URL(options.url);
    this.client = new Client({
      host: url.hostname,
      port: Number(url.port || 8080),
      user: options.user,
      catalog: options.catalog,
      schema: options.schema,
      source: "game-events",
      engine: options.kind === "trino" ? "trino" : "presto",
      checkInterval: options.pollMs ?? 100,
      timeout: options.timeoutSec ?? 120,
    });
  }

  query(sql: string): Promise<QueryResult> {
    // The REST protocol takes one statement without the terminating semicolon.
    const statement = sql.trim().replace(/;\s*$/, "");
    return new Promise((resolve, reject) => {
      let columns: Column[] = [];
      const rows: unknown[][] = [];
      this.client.execute({
        query: statement,
        timezone: "UTC",
        columns: (_e, cols) => (columns = cols),
        data: (_e, data, cols) => {
          if (cols) columns = cols;
          rows.push(...data);
        },
        success: () =>
          resolve({
            columns: columns.map((c) => ({ name: c.name, type: c.type.toLowerCase() })),
            rows: rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, toPlain(row[i], c.type.toLowerCase())]))),
          }),
        error: (error) => {
          const { message, retriable } = describe(error);
          reject(new QueryError(`${this.kind}: ${message}`, statement, { cause: error, retriable }));
        },
      });
    });
  }

  async registerTable(table: TableDef, location: string): Promise<void> {
    if (!this.schemaReady) {
      await this.query(trinoCreateSchema(this.where));
      this.schemaReady = true;
    }
    await this.query(trinoCreateTable(table, location, this.where, this.dialect));
    // CREATE TABLE IF NOT EXISTS keeps an older table as it was: add the contract's new columns.
    // Parquet columns are matched by name, so older files read them as NULL.
    const existing = await this.query(
      `SELECT column_name FROM ${this.options.catalog}.information_schema.columns ` +
        `WHERE table_schema = ${literal(this.options.schema)} AND table_name = ${literal(table.name)}`,
    );
    const have = new Set(existing.rows.map((r) => String(r.column_name)));
    for (const column of table.columns) {
      if (!have.has(column.name)) await this.query(prestoAddColumn(table, column, this.where, this.dialect));
    }
  }

  /**
   * One sync per table at a time: two concurrent `sync_partition_metadata` calls on one table both
   * try to add the same new partition, and the second fails with ALREADY_EXISTS (seen on Trino 476).
   */
  syncPartitions(table: TableDef): Promise<void> {
    const run = (this.syncs.get(table.name) ?? Promise.resolve()).then(() => this.query(trinoSyncPartitions(table, this.where))).then(() => undefined);
    this.syncs.set(table.name, run.catch(() => undefined));
    return run;
  }

  async close(): Promise<void> {
    // presto-client keeps no connection open between queries.
  }
}
