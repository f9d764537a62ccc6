/**
 * Test fixture: typed Parquet files for a table, written by DuckDB's COPY (independent of the
 * sink's writer) and put into any Storage under <table>/dt=YYYY-MM-DD/<file>.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { toWire, type GameEvent, type TableDef } from "../../src/events";
import { partitionFolder, type Storage } from "../../src/storage";

export type Row = Record<string, unknown>;

export interface WriteOptions {
  /** Columns left out of the file, as in files written before the column existed. */
  omit?: readonly string[];
  /**
   * How timestamps are stored: `millis` is INT64 TIMESTAMP_MILLIS (not adjusted to UTC);
   * `utc-micros` is INT64 TIMESTAMP_MICROS with isAdjustedToUTC=true. Readers must accept both.
   */
  timestamps?: "millis" | "utc-micros";
}

const JSON_TYPE = { string: "VARCHAR", int32: "INTEGER", int64: "BIGINT", timestamp: "BIGINT" } as const;

/** Encodes `rows` (timestamps as epoch millis) as a Parquet file with the table's column types. */
export async function parquetBytes(table: TableDef, rows: readonly Row[], options: WriteOptions = {}): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pq-fixture-"));
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    const columns = table.columns.filter((c) => !options.omit?.includes(c.name));
    const input = path.join(dir, "rows.json");
    fs.writeFileSync(input, rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, r[c.name] ?? null])))).join("\n"));
    const tsType = options.timestamps === "utc-micros" ? "TIMESTAMPTZ" : "TIMESTAMP_MS";
    const select = columns
      .map((c) => (c.type === "timestamp" ? `CAST(epoch_ms("${c.name}") AS ${tsType}) AS "${c.name}"` : `"${c.name}"`))
      .join(", ");
    const types = columns.map((c) => `'${c.name}': '${JSON_TYPE[c.type]}'`).join(", ");
    const output = path.join(dir, "out.parquet");
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(
      `COPY (SELECT ${select} FROM read_json('${input}', format = 'newline_delimited', columns = {${types}})) ` +
        `TO '${output}' (FORMAT parquet, COMPRESSION snappy)`,
    );
    return fs.readFileSync(output);
  } finally {
    connection.closeSync();
    db.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes one Parquet file of `rows` into `<tableDir>/dt=<dt>/<name>`. */
export async function writePartitionFile(
  storage: Storage,
  tableDir: string,
  table: TableDef,
  dt: string,
  name: string,
  rows: readonly Row[],
  options: WriteOptions = {},
): Promise<string> {
  const file = path.posix.join(tableDir, partitionFolder(dt), name);
  await storage.writeFile(file, await parquetBytes(table, rows, options));
  return file;
}

/** The row a table holds for an event read at `offset` of partition 0 (what the sink lands). */
export function rowOf(event: GameEvent, offset: number, ingestedAt = event.timestamp + 5): Row {
  return { ...event, kafka_partition: 0, kafka_offset: offset, raw_event: toWire(event), ingested_at: ingestedAt };
}

/** UTC date of epoch millis, the partition value. */
export const dtOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
