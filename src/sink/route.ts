/**
 * Routing and flattening: one log record becomes one flat row plus the set of tables it belongs
 * to. Each table's row is that flat row projected on the table's columns (names and types from
 * the contract), so the record is parsed and staged once however many tables take it.
 * Pure: the same record gives the same routing, which lets recovery re-derive a batch from the log.
 */
import { DEAD_LETTER_TABLE, parseEvent, TABLES, type DeadLetterReason, type TableDef } from "../events";
import type { LogRecord } from "../transport";
import { dtOf, isWritableTimestamp } from "./naming";

/** A flat row keyed by column name. Timestamps are epoch milliseconds (UTC). */
export type Row = Record<string, string | number | null>;

export interface RoutedRecord {
  /** Tables that take the record: events and its typed tables, or dead_letters alone. */
  tables: readonly TableDef[];
  /** Hive partition value (dt=YYYY-MM-DD): event date, or for a dead letter the date the log accepted it. */
  dt: string;
  /** Values of every column of every table it lands in, except raw_event. */
  row: Row;
  /** The message as UTF-8 text (the raw_event column). */
  raw: string;
  /**
   * True for a valid event: every string value of `row` was parsed from `raw`, so when `raw` holds
   * no backslash (no JSON escapes) each of them is a substring of it.
   */
  valuesFromRaw: boolean;
}

export interface RouteOptions {
  maxMessageBytes: number;
  /** When the sink read the record (the `ingested_at` column). */
  ingestedAt: number;
}

const EVENT_TABLES = TABLES.filter((t) => t !== DEAD_LETTER_TABLE);
const DEAD_LETTER_ONLY: readonly TableDef[] = Object.freeze([DEAD_LETTER_TABLE]);

/** Routes one record; never throws. An invalid record goes to dead_letters only. */
export function routeRecord(record: LogRecord, options: RouteOptions): RoutedRecord {
  if (record.value.length > options.maxMessageBytes) {
    const oversized = parseEvent(record.value, options.maxMessageBytes);
    if (!oversized.ok) return deadLetter(record, oversized.reason, oversized.detail, options.ingestedAt);
  }
  // Decoded once, for parsing and for raw_event.
  const raw = record.value.toString("utf8");
  const parsed = parseEvent(raw);
  if (!parsed.ok) return deadLetter(record, parsed.reason, parsed.detail, options.ingestedAt);
  const event = parsed.event;
  // parseEvent accepts any finite number; dates outside years 0000-9999 cannot name a dt folder.
  if (!isWritableTimestamp(event.timestamp)) {
    return deadLetter(record, "wrong_type", `timestamp: ${event.timestamp} is outside years 0000-9999`, options.ingestedAt);
  }
  const row = event as unknown as Row;
  row.kafka_partition = record.partition;
  row.kafka_offset = record.offset;
  row.ingested_at = options.ingestedAt;
  const tables = EVENT_TABLES.filter((t) => t.accepts(event));
  return { tables, dt: dtOf(event.timestamp), row, raw, valuesFromRaw: true };
}

/**
 * A dead_letters record. Its dt is the date the log accepted the message (the record timestamp),
 * not the wall clock at read time: a replayed batch must land in the same folder as the first attempt.
 */
export function deadLetter(record: LogRecord, reason: DeadLetterReason, detail: string, ingestedAt: number): RoutedRecord {
  const row: Row = {
    kafka_topic: record.topic,
    kafka_partition: record.partition,
    kafka_offset: record.offset,
    reason,
    detail,
    raw_base64: record.value.toString("base64"),
    ingested_at: ingestedAt,
  };
  const ts = isWritableTimestamp(record.timestamp) ? record.timestamp : 0;
  return { tables: DEAD_LETTER_ONLY, dt: dtOf(ts), row, raw: record.value.toString("utf8"), valuesFromRaw: false };
}

/** The row `table` stores for a routed record: its columns, in contract order, NULL when absent. */
export function rowFor(table: TableDef, routed: RoutedRecord): Row {
  const out: Row = {};
  for (const c of table.columns) out[c.name] = c.name === "raw_event" ? routed.raw : routed.row[c.name] ?? null;
  return out;
}
