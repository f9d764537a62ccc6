/**
 * The DuckDB side of the tables' Parquet schemas, derived from the contract's column types. Pure.
 *
 * Records are staged once, in one table, whatever tables they feed: the record's string values
 * packed into one VARCHAR (`__text`), each number column as a DOUBLE, the set of tables it belongs
 * to (`__mask`) and its dt (`__dt`, an index into the writer's list of dt values). Each table's file
 * is a COPY that unpacks the strings and casts the numbers back to the table's typed columns.
 * One string per record crosses from JS to DuckDB: the JS-to-native calls were the cost, and
 * building a JSON object per record (JSON.stringify) was the next one. A canonical event's text is
 * its raw message instead (`__raw` true), and extract.ts reads its fields with from_json.
 *
 * Strings are packed as `v1 US v2 US ... vn` (US = U+001F), NULL written as RS (U+001E). A record
 * whose values could contain US or RS is packed as a JSON array instead (`__json` true). Numbers
 * are DOUBLE (exact for the contract's safe integers); NULL is NaN, which TRY_CAST turns into NULL,
 * as it does an int32 value out of range (what json_transform did before).
 *
 * Parquet gets INT64 for int64 columns and INT64 TIMESTAMP(MILLIS) for timestamps (the contract's
 * precision), never INT96 or nanoseconds, which several readers cannot read. Timestamps are
 * TIMESTAMP (not WITH TIME ZONE, i.e. isAdjustedToUTC=false) holding UTC wall-clock time: Trino's
 * Hive connector reads those as-is, while UTC-adjusted ones are shifted by hive.parquet.time-zone.
 */
import type { Column, ColumnType, TableDef } from "../../events";
import { StorageError } from "../../errors";

/** The column holding the message text; every other string comes from the parsed record. */
export const RAW_COLUMN = "raw_event";

/** Separates packed string values. */
export const FIELD_SEPARATOR = "\u001f";
/** Stands for a NULL packed string value. */
export const NULL_MARK = "\u001e";

/** Where each column of every table is staged. */
export interface StageLayout {
  /** String columns, in packing order. */
  readonly strings: readonly string[];
  /** Number columns (int32, int64, timestamp), one DOUBLE stage column each. */
  readonly numbers: readonly string[];
  /** Type of each column, by name. */
  readonly types: ReadonlyMap<string, ColumnType>;
}

/** The union of `tables`' columns. A name must have one type in every table that has it. */
export function stageLayout(tables: readonly TableDef[]): StageLayout {
  const types = new Map<string, ColumnType>();
  for (const t of tables) {
    for (const c of t.columns) {
      const seen = types.get(c.name);
      if (seen !== undefined && seen !== c.type) throw new StorageError(`column ${c.name} is ${seen} in one table and ${c.type} in ${t.name}`);
      types.set(c.name, c.type);
    }
  }
  const names = [...types.keys()];
  return { strings: names.filter((n) => types.get(n) === "string"), numbers: names.filter((n) => types.get(n) !== "string"), types };
}

/** Quotes an identifier for DuckDB. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for DuckDB. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** CREATE TABLE of a staging table. `__raw`: `__text` is a canonical event's raw text (extract.ts), not packed values. */
export function stageDdl(name: string, layout: StageLayout): string {
  const numbers = layout.numbers.map((n) => `${ident(n)} DOUBLE`).join(", ");
  return `CREATE OR REPLACE TABLE ${ident(name)} (__text VARCHAR, __json BOOLEAN, __raw BOOLEAN, __mask INTEGER, __dt INTEGER${numbers ? ", " + numbers : ""})`;
}

/** Packs string values with separators; only valid when no value contains FIELD_SEPARATOR or NULL_MARK. */
export function packPlain(values: readonly (string | null)[]): string {
  let text = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    text += (i === 0 ? "" : FIELD_SEPARATOR) + (v === null ? NULL_MARK : v);
  }
  return text;
}

/**
 * Packs string values as a JSON array. Lone UTF-16 surrogates (which JSON.stringify escapes as
 * \udXXX and DuckDB refuses as malformed) become U+FFFD, as they would in any UTF-8 text.
 */
export function packJson(values: readonly (string | null)[]): string {
  return JSON.stringify(values.map((v) => (v === null ? null : (v as unknown as { toWellFormed(): string }).toWellFormed())));
}

/** True when packPlain can hold these values. */
export function canPackPlain(values: readonly (string | null)[]): boolean {
  return values.every((v) => v === null || !/[\u001e\u001f]/.test(v));
}

const CAST: Record<Exclude<ColumnType, "string">, (v: string) => string> = {
  int32: (v) => `TRY_CAST(${v} AS INTEGER)`,
  int64: (v) => `TRY_CAST(${v} AS BIGINT)`,
  timestamp: (v) => `CAST(epoch_ms(TRY_CAST(${v} AS BIGINT)) AS TIMESTAMP_MS)`,
};

/** A number column, typed back from its DOUBLE stage column. */
export function numberExpr(c: Column): string {
  if (c.type === "string") throw new StorageError(`column ${c.name} is not a number column`);
  return CAST[c.type](ident(c.name));
}

function outputExpr(c: Column, layout: StageLayout): string {
  if (c.type === "string") {
    const v = `__s[${layout.strings.indexOf(c.name) + 1}]`;
    return `CASE WHEN __json THEN ${v} ELSE NULLIF(${v}, ${literal(NULL_MARK)}) END AS ${ident(c.name)}`;
  }
  return `${numberExpr(c)} AS ${ident(c.name)}`;
}

/** A SELECT giving `table`'s typed columns, in contract order, from the packed staged rows matching `where`. */
export function tableSelect(table: TableDef, stage: string, where: string, layout: StageLayout): string {
  const unpack = `CASE WHEN __json THEN from_json(__text, '["VARCHAR"]') ELSE string_split(__text, ${literal(FIELD_SEPARATOR)}) END`;
  return `SELECT ${table.columns.map((c) => outputExpr(c, layout)).join(", ")} FROM (SELECT *, ${unpack} AS __s FROM ${ident(stage)} WHERE NOT __raw AND ${where})`;
}
