/**
 * SQL that extracts a table's columns from staged canonical events (sink/canonical.ts), derived
 * from the contract. Pure.
 *
 * A canonical event is staged as its raw text; DuckDB's from_json (yyjson, C++, on the thread that
 * runs the COPY) reads each contract field with the field's SQL type. For a canonical text that is
 * exactly what JSON.parse + parseEvent give: strings hold no escapes, integers are in range, absent
 * payload fields of other types and JSON nulls are NULL. The timestamp, lineage and ingested_at come
 * from the staged number columns (the sink computed them while routing), as for parsed records.
 */
import { ALL_PAYLOAD_FIELDS, ENVELOPE, type Column, type FieldDef, type TableDef } from "../../events";
import { ident, literal, numberExpr, RAW_COLUMN } from "./schema";

const SQL_TYPE: Partial<Record<FieldDef["type"], string>> = { string: "VARCHAR", int32: "INTEGER", int64: "BIGINT" };

/** Contract fields DuckDB extracts from the text: every string and integer field, by column name. */
const EXTRACTED = new Map(
  [...ENVELOPE, ...ALL_PAYLOAD_FIELDS].filter((f) => SQL_TYPE[f.type] !== undefined).map((f) => [f.column, f] as const),
);

/** The from_json structure of `table`: JSON key -> SQL type of each of its extracted fields. */
export function extractStructure(table: TableDef): string {
  const fields = table.columns.map((c) => EXTRACTED.get(c.name)).filter((f): f is FieldDef => f !== undefined);
  return JSON.stringify(Object.fromEntries(fields.map((f) => [f.json, SQL_TYPE[f.type]])));
}

function columnExpr(c: Column): string {
  if (c.name === RAW_COLUMN) return `__text AS ${ident(c.name)}`;
  const f = EXTRACTED.get(c.name);
  if (f) return `__j[${literal(f.json)}] AS ${ident(c.name)}`;
  if (c.type === "string") return `NULL::VARCHAR AS ${ident(c.name)}`; // dead_letters' own columns
  return `${numberExpr(c)} AS ${ident(c.name)}`;
}

/** A SELECT giving `table`'s typed columns, in contract order, from the staged canonical events matching `where`. */
export function canonicalSelect(table: TableDef, stage: string, where: string): string {
  const columns = table.columns.map(columnExpr).join(", ");
  return `SELECT ${columns} FROM (SELECT *, from_json(__text, ${literal(extractStructure(table))}) AS __j FROM ${ident(stage)} WHERE __raw AND ${where})`;
}
