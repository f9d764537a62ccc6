/**
 * The DuckDB side of the tables' Parquet schemas, derived from the contract's column types. Pure.
 *
 * Records are staged once, in one wide table holding the union of every table's columns plus
 * the set of tables each record belongs to (`__mask`) and its dt; each table's file is a COPY of
 * its columns for the records whose mask has its bit. int64 and timestamps are staged as DOUBLE
 * (exact up to 2^53, and no BigInt or value object per cell) and cast by that COPY.
 *
 * Parquet gets INT64 for int64 columns and INT64 TIMESTAMP(MILLIS) for timestamps (the precision of the contract), never INT96
 * or nanoseconds, which several readers cannot read. Timestamps are written as TIMESTAMP (not
 * WITH TIME ZONE, i.e. isAdjustedToUTC=false) holding UTC wall-clock time: Trino's Hive connector
 * reads those as-is, while UTC-adjusted ones are shifted by hive.parquet.time-zone.
 */
import type { Column, ColumnType, TableDef } from "../../events";

const STAGE_TYPE: Record<ColumnType, string> = { string: "VARCHAR", int32: "INTEGER", int64: "DOUBLE", timestamp: "DOUBLE" };

/** Quotes an identifier for DuckDB. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for DuckDB. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Every column of every table, once; a name used by two tables must have one type. */
export function unionColumns(tables: readonly TableDef[]): Column[] {
  const seen = new Map<string, Column>();
  for (const t of tables) {
    for (const c of t.columns) {
      const prior = seen.get(c.name);
      if (prior && prior.type !== c.type) throw new TypeError(`column ${c.name} is ${prior.type} in one table and ${c.type} in ${t.name}`);
      if (!prior) seen.set(c.name, c);
    }
  }
  return [...seen.values()];
}

/** CREATE TABLE of a staging table with `columns` plus __mask and __dt. */
export function stageDdl(name: string, columns: readonly Column[]): string {
  const cols = columns.map((c) => `${ident(c.name)} ${STAGE_TYPE[c.type]}`);
  return `CREATE OR REPLACE TABLE ${ident(name)} (${[...cols, "__mask INTEGER", "__dt VARCHAR"].join(", ")})`;
}

function outputExpr(c: Column): string {
  switch (c.type) {
    case "int64": return `CAST(${ident(c.name)} AS BIGINT) AS ${ident(c.name)}`;
    case "timestamp": return `CAST(epoch_ms(CAST(${ident(c.name)} AS BIGINT)) AS TIMESTAMP_MS) AS ${ident(c.name)}`;
    default: return ident(c.name);
  }
}

/** The SELECT list that gives a table's typed columns, in contract order, from staged rows. */
export function outputColumns(table: TableDef): string {
  return table.columns.map(outputExpr).join(", ");
}
