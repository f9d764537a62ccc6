/**
 * Table DDL derived from the event contract (src/events/tables.ts), never typed by hand.
 * Pure functions: Trino/Presto external tables over Parquet, and DuckDB views over the same files.
 */
import { PARTITION_COLUMN, type Column, type ColumnType, type TableDef } from "../events";
import { visibleFilesGlob } from "../storage/layout";

export type SqlDialect = "trino" | "presto" | "duckdb";

const TYPES: Record<SqlDialect, Record<ColumnType, string>> = {
  trino: { string: "varchar", int32: "integer", int64: "bigint", timestamp: "timestamp(3)" },
  // PrestoDB's timestamp is always milliseconds and takes no precision.
  presto: { string: "varchar", int32: "integer", int64: "bigint", timestamp: "timestamp" },
  duckdb: { string: "VARCHAR", int32: "INTEGER", int64: "BIGINT", timestamp: "TIMESTAMP" },
};

/** SQL type of a contract column. Timestamps are Parquet INT64 millis (UTC), hence precision 3 on Trino. */
export function sqlType(type: ColumnType, dialect: SqlDialect): string {
  return TYPES[dialect][type];
}

/** A double-quoted identifier (both dialects). */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** A single-quoted string literal (both dialects). */
export const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

export interface TrinoTableName {
  catalog: string;
  schema: string;
}

const qualified = (t: TrinoTableName, name: string) => `${ident(t.catalog)}.${ident(t.schema)}.${ident(name)}`;

export function trinoCreateSchema(t: TrinoTableName): string {
  return `CREATE SCHEMA IF NOT EXISTS ${ident(t.catalog)}.${ident(t.schema)}`;
}

/**
 * An external, partitioned Parquet table over `location` (an hdfs:// URI). Hive requires the
 * partition column last; its values live in the folder names (dt=YYYY-MM-DD), never in the files.
 * Trino's Hive connector matches Parquet columns by name (hive.parquet.use-column-names defaults
 * to true), so files written before a column was added read it as NULL.
 */
export function trinoCreateTable(table: TableDef, location: string, t: TrinoTableName, dialect: "trino" | "presto" = "trino"): string {
  const columns = table.columns.map((c) => `  ${ident(c.name)} ${sqlType(c.type, dialect)}`);
  columns.push(`  ${ident(PARTITION_COLUMN)} varchar`);
  return [
    `CREATE TABLE IF NOT EXISTS ${qualified(t, table.name)} (`,
    columns.join(",\n"),
    `)`,
    `WITH (external_location = ${literal(location)}, format = 'PARQUET', partitioned_by = ARRAY[${literal(PARTITION_COLUMN)}])`,
  ].join("\n");
}

/** Adds a contract column to an existing table (the Hive connector keeps partition columns last). */
export function prestoAddColumn(table: TableDef, column: Column, t: TrinoTableName, dialect: "trino" | "presto" = "trino"): string {
  return `ALTER TABLE ${qualified(t, table.name)} ADD COLUMN ${ident(column.name)} ${sqlType(column.type, dialect)}`;
}

/** Registers the partition folders that appeared since the last call (mode ADD never drops any). */
export function trinoSyncPartitions(table: TableDef, t: TrinoTableName): string {
  return `CALL ${ident(t.catalog)}.system.sync_partition_metadata(schema_name => ${literal(t.schema)}, table_name => ${literal(table.name)}, mode => 'ADD')`;
}

/**
 * A view over the table's Parquet files, typed by the contract. `hasFiles` false gives an empty
 * typed view, because read_parquet fails on a glob that matches nothing.
 * Schema evolution: the files are read with union_by_name and unioned BY NAME with an empty typed
 * row set, so a contract column missing from old (or all) files reads as NULL.
 * Timestamps: files may carry isAdjustedToUTC=true (read as TIMESTAMPTZ); the cast to TIMESTAMP
 * is UTC because the engine runs with TimeZone='UTC'.
 */
export function duckdbCreateView(table: TableDef, location: string, hasFiles: boolean): string {
  const all = [...table.columns.map((c) => ({ name: c.name, type: sqlType(c.type, "duckdb") })), { name: PARTITION_COLUMN, type: "VARCHAR" }];
  const typedEmpty = `SELECT ${all.map((c) => `CAST(NULL AS ${c.type}) AS ${ident(c.name)}`).join(", ")} WHERE false`;
  const head = `CREATE OR REPLACE VIEW ${ident(table.name)} AS\n`;
  if (!hasFiles) return head + typedEmpty;
  const files =
    `SELECT * FROM read_parquet(${literal(visibleFilesGlob(location))}, hive_partitioning = true, ` +
    `union_by_name = true, hive_types = {${literal(PARTITION_COLUMN)}: 'VARCHAR'})`;
  return (
    head +
    `SELECT ${all.map((c) => `CAST(${ident(c.name)} AS ${c.type}) AS ${ident(c.name)}`).join(", ")}\n` +
    `FROM (\n  ${typedEmpty}\n  UNION ALL BY NAME\n  ${files}\n)`
  );
}
