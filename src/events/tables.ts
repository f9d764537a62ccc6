/**
 * The tables the sink lands, derived from the contract: which events each one takes and
 * which columns it has. Partitioned Hive-style by event date (`dt=YYYY-MM-DD`, UTC).
 */
import { ALL_PAYLOAD_FIELDS, ENVELOPE, EVENT_DEFS, type EventType } from "./contract";
import type { GameEvent } from "./event";
import { field, type ColumnType, type FieldDef } from "./fields";

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly doc: string;
}

export interface TableDef {
  readonly name: string;
  readonly doc: string;
  readonly columns: readonly Column[];
  /** True when the event belongs in this table (dead_letters takes no valid events). */
  readonly accepts: (event: GameEvent) => boolean;
}

/** Hive partition column, stored in the folder name, never in the files. */
export const PARTITION_COLUMN = "dt";

/** Lineage: where in the log each row came from. */
const LINEAGE: readonly FieldDef[] = [
  field("kafka_partition", "int32", "Source partition in the log.", { required: true }),
  field("kafka_offset", "int64", "Source offset in the log.", { required: true }),
];

const LANDING: readonly FieldDef[] = [
  field("raw_event", "string", "The message exactly as logged.", { required: true }),
  field("ingested_at", "timestamp", "When the sink read the message (freshness).", { required: true }),
];

const toColumn = (f: FieldDef): Column => Object.freeze({ name: f.column, type: f.type, nullable: !f.required, doc: f.doc });

function eventTable(name: string, doc: string, types: readonly EventType[], okOnly: boolean): TableDef {
  const payload = ALL_PAYLOAD_FIELDS.filter((f) => types.some((t) => EVENT_DEFS[t].fields.includes(f)));
  // Payload fields required by one type may be absent in another type of the same table.
  const payloadColumns = payload.map((f) => ({ ...toColumn(f), nullable: true }));
  return Object.freeze({
    name,
    doc,
    columns: Object.freeze([...LINEAGE, ...ENVELOPE].map(toColumn).concat(payloadColumns, LANDING.map(toColumn))),
    accepts: (e: GameEvent) => types.includes(e.event_type) && (!okOnly || e.outcome === "ok"),
  });
}

const ALL_TYPES = Object.keys(EVENT_DEFS) as EventType[];

export const DEAD_LETTER_TABLE: TableDef = Object.freeze({
  name: "dead_letters",
  doc: "Messages that break the contract, kept with the reason and their position in the log.",
  columns: Object.freeze(
    [
      field("kafka_topic", "string", "Source topic.", { required: true }),
      ...LINEAGE,
      field("reason", "string", "oversized, not_json, not_an_object, unknown_event_type, missing_field, wrong_type.", { required: true }),
      field("detail", "string", "Which field or what parse error."),
      field("raw_event", "string", "The message as UTF-8 text (lossy for binary input).", { required: true }),
      field("raw_base64", "string", "The exact message bytes, base64.", { required: true }),
      field("ingested_at", "timestamp", "When the sink read the message.", { required: true }),
    ].map(toColumn),
  ),
  accepts: () => false,
});

/** All tables, in the order they are created and reported. */
export const TABLES: readonly TableDef[] = Object.freeze([
  eventTable("events", "Every valid event, all types, all outcomes.", ALL_TYPES, false),
  eventTable("sword_purchases", "Completed sword purchases (the reference's table).", ["purchase_sword"], true),
  eventTable("purchases", "Completed sword and shield purchases.", ["purchase_sword", "purchase_shield"], true),
  eventTable("guilds", "Guild joins and leaves; refused ones have NULL guild_member_cnt, as in the reference.", ["join_guild", "leave_guild"], false),
  DEAD_LETTER_TABLE,
]);

export function tableByName(name: string): TableDef | undefined {
  return TABLES.find((t) => t.name === name);
}
