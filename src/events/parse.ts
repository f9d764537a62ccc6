/**
 * Validation of raw log messages against the contract. Never throws: a message either parses
 * into a GameEvent or yields the reason it is a dead letter.
 */
import { EVENT_TYPES, fieldsOf, isEventType, OUTCOMES, type EventType } from "./contract";
import type { GameEvent } from "./event";
import type { FieldDef } from "./fields";

export type DeadLetterReason =
  | "oversized"
  | "not_json"
  | "not_an_object"
  | "unknown_event_type"
  | "missing_field"
  | "wrong_type";

export type ParseResult =
  | { ok: true; event: GameEvent }
  | { ok: false; reason: DeadLetterReason; detail: string };

// Each type's fields, built once: parseEvent runs once per message.
const FIELDS = Object.fromEntries(EVENT_TYPES.map((t) => [t, fieldsOf(t)])) as Record<EventType, readonly FieldDef[]>;

const fail = (reason: DeadLetterReason, detail: string): ParseResult => ({ ok: false, reason, detail });

/** Parses one raw message. `maxBytes` bounds the message size (oversized messages are not parsed). */
export function parseEvent(raw: Buffer | string, maxBytes = Infinity): ParseResult {
  if (maxBytes < Infinity) {
    const size = typeof raw === "string" ? Buffer.byteLength(raw) : raw.length;
    if (size > maxBytes) return fail("oversized", `${size} bytes > limit ${maxBytes}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(typeof raw === "string" ? raw : raw.toString("utf8"));
  } catch (error) {
    return fail("not_json", (error as Error).message);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return fail("not_an_object", typeof doc);
  const obj = doc as Record<string, unknown>;
  if (!isEventType(obj.event_type)) return fail("unknown_event_type", String(obj.event_type));
  const event: Record<string, unknown> = {};
  for (const f of FIELDS[obj.event_type]) {
    const value = obj[f.json];
    if (value === undefined || value === null) {
      if (f.required) return fail("missing_field", f.json);
      event[f.column] = null;
      continue;
    }
    const converted = convert(f, value);
    if (converted === undefined) return fail("wrong_type", `${f.json}: expected ${f.type}`);
    event[f.column] = converted;
  }
  if (!(OUTCOMES as readonly unknown[]).includes(event.outcome)) return fail("wrong_type", "outcome: expected ok|rejected");
  return { ok: true, event: event as unknown as GameEvent };
}

function convert(f: FieldDef, value: unknown): unknown {
  switch (f.type) {
    case "string":
      return typeof value === "string" ? value : undefined;
    case "int32":
    case "int64":
      return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
    case "timestamp": {
      const ms = typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : NaN;
      return Number.isFinite(ms) ? ms : undefined;
    }
  }
}
