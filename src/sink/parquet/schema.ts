/**
 * The DuckDB side of the tables' Parquet schemas, derived from the contract's column types. Pure.
 *
 * Records are staged once, in one table: the record's columns as one canonical JSON object
 * (written by JSON.stringify from the parsed, validated values), the raw message text, its source
 * partition, the set of tables it belongs to (`__mask`) and its dt. Each table's file is a COPY
 * that turns the JSON back into the table's typed columns with json_transform. Five appender
 * calls per record instead of one per column per table: the JS-to-native calls were the cost.
 *
 * Parquet gets INT64 for int64 columns and INT64 TIMESTAMP(MILLIS) for timestamps (the contract's
 * precision), never INT96 or nanoseconds, which several readers cannot read. Timestamps are
 * TIMESTAMP (not WITH TIME ZONE, i.e. isAdjustedToUTC=false) holding UTC wall-clock time: Trino's
 * Hive connector reads those as-is, while UTC-adjusted ones are shifted by hive.parquet.time-zone.
 */
import type { Column, ColumnType, TableDef } from "../../events";

const JSON_TYPE: Record<ColumnType, string> = { string: "VARCHAR", int32: "INTEGER", int64: "BIGINT", timestamp: "BIGINT" };

/** Columns held outside the JSON object. */
export const RAW_COLUMN = "raw_event";

/** Quotes an identifier for DuckDB. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for DuckDB. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** CREATE TABLE of a staging table. */
export function stageDdl(name: string): string {
  return `CREATE OR REPLACE TABLE ${ident(name)} (__json VARCHAR, ${RAW_COLUMN} VARCHAR, kafka_partition INTEGER, __mask INTEGER, __dt VARCHAR)`;
}

/** The json_transform structure of a table's JSON-held columns. */
export function jsonStructure(table: TableDef): string {
  const fields = table.columns.filter((c) => c.name !== RAW_COLUMN).map((c) => `${JSON.stringify(c.name)}: ${JSON.stringify(JSON_TYPE[c.type])}`);
  return `{${fields.join(", ")}}`;
}

function outputExpr(c: Column): string {
  if (c.name === RAW_COLUMN) return ident(RAW_COLUMN);
  const v = `j.${ident(c.name)}`;
  return c.type === "timestamp" ? `CAST(epoch_ms(${v}) AS TIMESTAMP_MS) AS ${ident(c.name)}` : `${v} AS ${ident(c.name)}`;
}

/** A SELECT giving `table`'s typed columns, in contract order, from the staged rows matching `where`. */
export function tableSelect(table: TableDef, stage: string, where: string): string {
  return (
    `SELECT ${table.columns.map(outputExpr).join(", ")} FROM ` +
    `(SELECT json_transform(__json, ${literal(jsonStructure(table))}) AS j, ${ident(RAW_COLUMN)} FROM ${ident(stage)} WHERE ${where})`
  );
}
