/**
 * The in-memory shape of a valid event, keyed by column name, and its JSON wire form.
 */
import { EVENT_DEFS, EVENT_TYPES, fieldsOf, SCHEMA_VERSION, type EventType, type Outcome } from "./contract";

/** A valid event, keyed by column name. Timestamps are epoch milliseconds (UTC). */
export interface GameEvent {
  event_id: string;
  event_type: EventType;
  schema_version: number;
  timestamp: number;
  player_id: string;
  host: string | null;
  user_agent: string | null;
  accept: string | null;
  outcome: Outcome;
  status: number;
  reason: string | null;
  idempotency_key: string | null;
  type?: string;
  cost?: number | null;
  guild_name?: string;
  guild_member_cnt?: number | null;
  tot_guild_member_cnt?: number | null;
}

/**
 * Serialises an event to its wire JSON (header keys as the reference logged them, ISO timestamp).
 * Written field by field from a per-type list of pre-quoted keys: the API calls this once per
 * request, and building an intermediate object with keys like "User-Agent" showed up in its profile.
 */
export function toWire(event: GameEvent): string {
  const values = event as unknown as Record<string, unknown>;
  let json = "";
  for (const f of WIRE_FIELDS[event.event_type]) {
    const value = values[f.column];
    if (value === undefined) continue;
    json += (json === "" ? "{" : ",") + f.key + ":" + JSON.stringify(f.timestamp && typeof value === "number" ? new Date(value).toISOString() : value);
  }
  return json === "" ? "{}" : json + "}";
}

interface WireField {
  column: string;
  /** The JSON key, already quoted. */
  key: string;
  timestamp: boolean;
}

const WIRE_FIELDS = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, fieldsOf(type).map((f): WireField => ({ column: f.column, key: JSON.stringify(f.json), timestamp: f.type === "timestamp" }))]),
) as unknown as Record<EventType, readonly WireField[]>;

/** Fields the API supplies for a new event; the rest of the envelope is filled in here. */
export interface NewEvent {
  event_id: string;
  event_type: EventType;
  timestamp: number;
  player_id: string;
  headers: { host?: string; userAgent?: string; accept?: string };
  outcome: Outcome;
  status: number;
  reason?: string;
  idempotencyKey?: string;
  payload?: Partial<Pick<GameEvent, "type" | "cost" | "guild_name" | "guild_member_cnt" | "tot_guild_member_cnt">>;
}

/** Builds a complete event; payload keys not in the type's contract are dropped. */
export function buildEvent(input: NewEvent): GameEvent {
  const event: GameEvent = {
    event_id: input.event_id,
    event_type: input.event_type,
    schema_version: SCHEMA_VERSION,
    timestamp: input.timestamp,
    player_id: input.player_id,
    host: input.headers.host ?? null,
    user_agent: input.headers.userAgent ?? null,
    accept: input.headers.accept ?? null,
    outcome: input.outcome,
    status: input.status,
    reason: input.reason ?? null,
    idempotency_key: input.idempotencyKey ?? null,
  };
  const payload = (input.payload ?? {}) as Record<string, unknown>;
  for (const f of EVENT_DEFS[input.event_type].fields) {
    (event as unknown as Record<string, unknown>)[f.column] = payload[f.column] ?? null;
  }
  return event;
}
