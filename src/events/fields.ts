/**
 * Column types and field definitions: the vocabulary of the event contract.
 * Parquet schemas, SQL DDL and validation are all derived from these definitions.
 */
export type ColumnType = "string" | "int32" | "int64" | "timestamp";

export interface FieldDef {
  /** Column name in every table (the reference's names: host, type, cost, guild_name, ...). */
  readonly column: string;
  /** Key in the event JSON on the wire (the reference logs the headers as Host, User-Agent, Accept). */
  readonly json: string;
  readonly type: ColumnType;
  /** A required field must be present and non-null in a valid event. */
  readonly required: boolean;
  /** Contract version that introduced the field; older events simply lack it (read as NULL). */
  readonly since: number;
  readonly doc: string;
}

/** Declares a field; json key defaults to the column name. */
export function field(
  column: string,
  type: ColumnType,
  doc: string,
  opts: { json?: string; required?: boolean; since?: number } = {},
): FieldDef {
  return Object.freeze({
    column,
    json: opts.json ?? column,
    type,
    required: opts.required ?? false,
    since: opts.since ?? 1,
    doc,
  });
}

/** Names of items and guilds: 1..maxLength characters of a-z, A-Z, 0-9, `_`, `-`, `.`. */
export const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
export const NAME_RULE = "letters, digits, '_', '-' and '.'";
