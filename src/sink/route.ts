/**
 * Routing and flattening: one log record becomes one flat row plus the set of tables it belongs
 * to. Each table's row is that flat row projected on the table's columns (names and types from
 * the contract), so the record is parsed and staged once however many tables take it.
 * A canonical event (canonical.ts: what toWire writes, the common case) is not parsed here: its
 * fields are extracted from the raw text by DuckDB when the files are written.
 * Pure: the same record gives the same routing, which lets recovery re-derive a batch from the log.
 */
import { buildEvent, DEAD_LETTER_TABLE, EVENT_TYPES, OUTCOMES, parseEvent, TABLES, type DeadLetterReason, type EventType, type GameEvent, type Outcome, type TableDef } from "../events";
import type { LogRecord } from "../transport";
import { matchCanonical } from "./canonical";
import { dtOf, isWritableTimestamp } from "../storage/layout";

/** A flat row keyed by column name. Timestamps are epoch milliseconds (UTC). */
export type Row = Record<string, string | number | null>;

export interface RoutedRecord {
  /** Tables that take the record: events and its typed tables, or dead_letters alone. */
  tables: readonly TableDef[];
  /** Hive partition value (dt=YYYY-MM-DD): event date, or for a dead letter the date the log accepted it. */
  dt: string;
  /**
   * Values of every column of every table it lands in, except raw_event; for a canonical record
   * only the lineage, `timestamp` and `ingested_at` (the rest is in `raw`, see rowFor).
   */
  row: Row;
  /** The message as UTF-8 text (the raw_event column). */
  raw: string;
  /**
   * True for a valid event: every string value of `row` was parsed from `raw`, so when `raw` holds
   * no backslash (no JSON escapes) each of them is a substring of it.
   */
  valuesFromRaw: boolean;
  /** True when `raw` is a canonical event whose fields DuckDB extracts (parquet/extract.ts). */
  canonical: boolean;
}

export interface RouteOptions {
  maxMessageBytes: number;
  /** When the sink read the record (the `ingested_at` column). */
  ingestedAt: number;
  /** Recognise canonical events without parsing them (default true; false forces JSON.parse, for tests). */
  fastPath?: boolean;
}

const EVENT_TABLES = TABLES.filter((t) => t !== DEAD_LETTER_TABLE);
/** The tables of every dead letter (one shared list: `tables === DEAD_LETTER_ONLY` tells a dead letter). */
export const DEAD_LETTER_ONLY: readonly TableDef[] = Object.freeze([DEAD_LETTER_TABLE]);

/** Routes one record; never throws. An invalid record goes to dead_letters only. */
export function routeRecord(record: LogRecord, options: RouteOptions): RoutedRecord {
  if (record.value.length > options.maxMessageBytes) {
    const oversized = parseEvent(record.value, options.maxMessageBytes);
    if (!oversized.ok) return deadLetter(record, oversized.reason, oversized.detail, options.ingestedAt);
  }
  // Decoded once, for parsing and for raw_event.
  const raw = record.value.toString("utf8");
  if (options.fastPath !== false) {
    const canonical = matchCanonical(raw);
    if (canonical) {
      const row: Row = { kafka_partition: record.partition, kafka_offset: record.offset, timestamp: canonical.timestamp, ingested_at: options.ingestedAt };
      return { tables: TABLES_OF.get(canonical.type + canonical.outcome)!, dt: dtOf(canonical.timestamp), row, raw, valuesFromRaw: true, canonical: true };
    }
  }
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
  return { tables, dt: dtOf(event.timestamp), row, raw, valuesFromRaw: true, canonical: false };
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
  return { tables: DEAD_LETTER_ONLY, dt: dtOf(ts), row, raw: record.value.toString("utf8"), valuesFromRaw: false, canonical: false };
}

/**
 * The row `table` stores for a routed record: its columns, in contract order, NULL when absent.
 * For tests and tools: a canonical record is parsed here (the sink leaves that to DuckDB).
 */
export function rowFor(table: TableDef, routed: RoutedRecord): Row {
  const parsed = routed.canonical ? parseEvent(routed.raw) : null;
  const values: Row = parsed?.ok ? { ...(parsed.event as unknown as Row), ...routed.row } : routed.row;
  const out: Row = {};
  for (const c of table.columns) out[c.name] = c.name === "raw_event" ? routed.raw : values[c.name] ?? null;
  return out;
}

/**
 * Tables of a canonical event by type + outcome. Membership is decided by the tables' own
 * `accepts` on an event of that type and outcome: the contract's tables select on those two
 * fields only (test/sink/fast-path.test.ts checks both paths route every sample alike).
 */
const TABLES_OF = new Map<string, readonly TableDef[]>(
  EVENT_TYPES.flatMap((type) => OUTCOMES.map((outcome) => [type + outcome, EVENT_TABLES.filter((t) => t.accepts(probe(type, outcome)))] as const)),
);

function probe(type: EventType, outcome: Outcome): GameEvent {
  return buildEvent({ event_id: "", event_type: type, timestamp: 0, player_id: "", headers: {}, outcome, status: 200 });
}
