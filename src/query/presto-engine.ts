/**
 * The distributed SQL engine: Trino or PrestoDB over external Parquet tables registered in the
 * Hive Metastore. Uses `presto-client`, which speaks both protocols (engine "trino" sends
 * X-Trino-* headers, the default X-Presto-*); the official `trino-client` speaks Trino only.
 */
import { Client, type Column, type PrestoError } from "presto-client";
import type { TableDef } from "../events";
import { ConfigError, QueryError } from "../errors";
import type { Secret } from "../secret";
import { literal, prestoAddColumn, trinoCreateSchema, trinoCreateTable, trinoSyncPartitions } from "./ddl";
import type { QueryEngine, QueryResult, TableLocation } from "./engine";

export interface PrestoEngineOptions {
  kind: "trino" | "presto";
  /** Coordinator address, e.g. http://127.0.0.1:8080 or https://trino.example:8443. */
  url: string;
  catalog: string;
  schema: string;
  user: string;
  /** Sent as HTTP basic authentication (https only). */
  password?: Secret | null;
  /** PEM CA(s) trusted for an https coordinator; default: Node's trusted CAs. */
  ca?: string | null;
  /** Bound on one query, in seconds (the client kills the query past it). */
  timeoutSec?: number;
  /** Pause before each poll of a running query (ms). */
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

/** Node's TLS error codes for a certificate the client does not trust: retrying cannot help. */
const UNTRUSTED_CERTIFICATE = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "ERR_TLS_CERT_ALTNAME_INVALID", "CERT_HAS_EXPIRED",
]);

/**
 * The message and retriability of a presto-client failure. A refused login (401/403) and an
 * untrusted certificate are final and say what to fix; no answer at all, a coordinator still
 * starting and a 5xx are worth retrying. A rejected statement is not.
 */
function describe(error: PrestoError): { message: string; retriable: boolean } {
  const failure = error as { message?: string; errorName?: string; error?: unknown; code?: unknown };
  const status = typeof failure.code === "number" ? failure.code : undefined;
  const cause = failure.error instanceof Error ? (failure.error as NodeJS.ErrnoException) : undefined;
  // presto-client prefixes the coordinator's answer to a refused first request with "execution error:".
  const said = (failure.message ?? "unknown error").replace(/^execution error:?/, "").trim();
  if (status === 401 || status === 403) {
    return { message: `login refused (HTTP ${status}): ${said || "no reason given"}; check the user and password`, retriable: false };
  }
  if (cause?.code !== undefined && UNTRUSTED_CERTIFICATE.has(cause.code)) {
    return { message: `the coordinator's TLS certificate is not trusted (${cause.message}): set PRESTO_CA_FILE to the CA that signed it`, retriable: false };
  }
  const name = failure.errorName ? `${failure.errorName}: ` : "";
  const network = cause !== undefined && status === undefined;
  const message = `${name}${said || "execution error"}${network ? ` (${cause.message})` : ""}`;
  return { message, retriable: network || failure.errorName === "SERVER_STARTING_UP" || (status ?? 0) >= 500 };
}

export class PrestoEngine implements QueryEngine {
  readonly kind: "trino" | "presto";
  readonly registersPartitions = true;
  private readonly client: Client;
  private readonly dialect: "trino" | "presto";
  private readonly where: { catalog: string; schema: string };
  /** The last sync of each table (settled or not; never rejects). */
  private readonly syncs = new Map<string, Promise<void>>();

  constructor(private readonly options: PrestoEngineOptions) {
    this.kind = options.kind;
    this.dialect = options.kind;
    this.where = { catalog: options.catalog, schema: options.schema };
    const url = new URL(options.url);
    const https = url.protocol === "https:";
    if (options.password && !https) throw new ConfigError(`a password for ${options.url} would cross the network in clear: use https`, "PRESTO_URL");
    this.client = new Client({
      host: url.hostname,
      port: Number(url.port || (https ? 443 : 8080)),
      user: options.user,
      // presto-client speaks https when given TLS options (passed to https.Agent).
      ...(https ? { ssl: options.ca ? { ca: options.ca } : {} } : {}),
      ...(options.password ? { basic_auth: { user: options.user, password: options.password.reveal() } } : {}),
      catalog: options.catalog,
      schema: options.schema,
      source: "game-events",
      engine: options.kind === "trino" ? "trino" : "presto",
      // presto-client sleeps this long before each poll; the coordinator holds a poll open until the
      // query moves on (up to ~1 s), so a short pause costs no spinning, and a long one is paid by
      // every statement, DDL and partition syncs included (bench/RESULTS.md "sink on the real stack").
      checkInterval: options.pollMs ?? 10,
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

  /**
   * CREATE SCHEMA IF NOT EXISTS, asked again once after a metastore error: on a loaded machine the
   * metastore can apply a create that Trino's metastore client timed out on and retried, and the
   * retry then fails on the duplicate key ("UNIQUEDATABASE"); asked again, IF NOT EXISTS sees it.
   */
  private async createSchema(): Promise<void> {
    try {
      await this.query(trinoCreateSchema(this.where));
    } catch (error) {
      if (!(error instanceof QueryError) || !error.message.includes("HIVE_METASTORE_ERROR")) throw error;
      await this.query(trinoCreateSchema(this.where));
    }
  }

  async registerTables(tables: readonly TableLocation[]): Promise<void> {
    // One query for the columns of every table: when all exist with the contract's columns (every
    // start but the first), registering costs no other statement.
    const existing = await this.columnsOf(tables.map((t) => t.table.name));
    if (tables.some((t) => !existing.has(t.table.name))) await this.createSchema();
    await Promise.all(
      tables.map(async ({ table, location }) => {
        let have = existing.get(table.name);
        if (!have) {
          await this.query(trinoCreateTable(table, location, this.where, this.dialect));
          // IF NOT EXISTS keeps a table another process created meanwhile, maybe from an older contract.
          have = (await this.columnsOf([table.name])).get(table.name) ?? new Set<string>();
        }
        // Parquet columns are matched by name, so older files read the contract's new columns as NULL.
        for (const column of table.columns) {
          if (!have.has(column.name)) await this.query(prestoAddColumn(table, column, this.where, this.dialect));
        }
      }),
    );
  }

  /** Column names per existing table among `names` (absent: no such table). */
  private async columnsOf(names: readonly string[]): Promise<Map<string, Set<string>>> {
    const result = await this.query(
      `SELECT table_name, column_name FROM ${this.options.catalog}.information_schema.columns ` +
        `WHERE table_schema = ${literal(this.options.schema)} AND table_name IN (${names.map(literal).join(", ")})`,
    );
    const out = new Map<string, Set<string>>();
    for (const row of result.rows) {
      const table = String(row.table_name);
      const columns = out.get(table) ?? new Set<string>();
      columns.add(String(row.column_name));
      out.set(table, columns);
    }
    return out;
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
