/**
 * The event contract: the single source of truth for what the API logs and the sink lands.
 * One definition per event type; everything else (validation, Parquet schema, DDL) is derived.
 */
import { field, type FieldDef } from "./fields";

/** Bumped when the contract changes; every event carries the version it was written with. */
export const SCHEMA_VERSION = 2;

export const EVENT_TYPES = ["default", "purchase_sword", "purchase_shield", "join_guild", "leave_guild"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What the game did with the request: `ok`, or `rejected` (unknown item, membership conflict). */
export const OUTCOMES = ["ok", "rejected"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Fields every event carries. */
export const ENVELOPE: readonly FieldDef[] = [
  field("event_id", "string", "Unique id (UUID v4) assigned by the API.", { required: true }),
  field("event_type", "string", "One of the event types.", { required: true }),
  field("schema_version", "int32", "Contract version the event was written with.", { required: true }),
  field("timestamp", "timestamp", "Server time the API accepted the request (UTC, ms).", { required: true }),
  field("player_id", "string", "Player identity: X-Player-Id header, else the Host header.", { required: true }),
  field("host", "string", "HTTP Host header, as the reference logged it.", { json: "Host" }),
  field("user_agent", "string", "HTTP User-Agent header.", { json: "User-Agent" }),
  field("accept", "string", "HTTP Accept header.", { json: "Accept" }),
  field("outcome", "string", "`ok`, or `rejected` when the game refused the action.", { required: true }),
  field("status", "int32", "HTTP status the API answered (200, 404, 409).", { required: true }),
  field("reason", "string", "Why a rejected action was refused (unknown_item, already_member, not_member)."),
  field("idempotency_key", "string", "The request's Idempotency-Key header, when it sent one; the sink keeps one event per key.", { since: 2 }),
];

const item = field("type", "string", "Item name from the catalogue (or as requested, when rejected).", { required: true });
const cost = field("cost", "int64", "Price paid; NULL when the purchase was rejected.");
const guildName = field("guild_name", "string", "Guild name.", { required: true });
const guildMembers = field("guild_member_cnt", "int64", "Members of this guild after the action; NULL when rejected.");
const totalMembers = field("tot_guild_member_cnt", "int64", "Guild memberships across all guilds after the action.");

export interface EventTypeDef {
  readonly name: EventType;
  readonly doc: string;
  readonly fields: readonly FieldDef[];
}

/** Per-type payload fields. */
export const EVENT_DEFS: Readonly<Record<EventType, EventTypeDef>> = {
  default: { name: "default", doc: "GET / (no game action).", fields: [] },
  purchase_sword: { name: "purchase_sword", doc: "A sword purchase.", fields: [item, cost] },
  purchase_shield: { name: "purchase_shield", doc: "A shield purchase.", fields: [item, cost] },
  join_guild: { name: "join_guild", doc: "A player joins a guild.", fields: [guildName, guildMembers, totalMembers] },
  leave_guild: { name: "leave_guild", doc: "A player leaves a guild.", fields: [guildName, guildMembers, totalMembers] },
};

/** Every payload field of every type, once each, in declaration order. */
export const ALL_PAYLOAD_FIELDS: readonly FieldDef[] = dedupe(EVENT_TYPES.flatMap((t) => EVENT_DEFS[t].fields));

/** All fields an event of this type may carry: envelope then payload. */
export function fieldsOf(type: EventType): readonly FieldDef[] {
  return [...ENVELOPE, ...EVENT_DEFS[type].fields];
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);
}

function dedupe(fields: readonly FieldDef[]): FieldDef[] {
  const seen = new Map<string, FieldDef>();
  for (const f of fields) if (!seen.has(f.column)) seen.set(f.column, f);
  return [...seen.values()];
}
