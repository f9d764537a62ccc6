/**
 * The fast path of routing: recognises a message that is exactly what `toWire` writes (a
 * "canonical" event) without JSON.parse. Pure.
 *
 * A canonical event is the contract's keys of its type, in contract order, each once, no
 * whitespace; strings without escapes or control characters; integers in canonical form short
 * enough to be in range (int32: 9 digits, int64: 15 digits); the timestamp an ISO string
 * `YYYY-MM-DDTHH:MM:SS.sssZ` or an integer; NULL only for optional fields. For such a text,
 * JSON.parse and DuckDB's from_json give the same values, so the writer stages the raw text and
 * DuckDB extracts the fields (parquet/extract.ts). Anything else (escapes, other key orders,
 * `1.0`, big numbers, dates outside 0000-9999, duplicate keys, ...) takes the JSON.parse path.
 * JSON.parse + validation cost ~4.3 us per event; this check ~0.5 us (bench/RESULTS.md, sink).
 */
import { ENVELOPE, EVENT_TYPES, fieldsOf, OUTCOMES, type EventType, type FieldDef, type Outcome } from "../events";
import { DAY_MS, isWritableTimestamp } from "../storage/layout";

export interface CanonicalEvent {
  type: EventType;
  outcome: Outcome;
  /** Epoch ms, as Date.parse gives it for the ISO form. */
  timestamp: number;
}

/** A JSON string with no escapes and no control characters: its text is its value. */
const STRING = '"[^"\\\\\\u0000-\\u001f]*"';
const integer = (digits: number) => `-?(?:0|[1-9][0-9]{0,${digits - 1}})`;
const ISO = '"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\\.[0-9]{3}Z"';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const jsonKey = (column: string) => ENVELOPE.find((f) => f.column === column)!.json;
const TYPE_KEY = `,${JSON.stringify(jsonKey("event_type"))}:"`;
const OUTCOME_KEY = `,${JSON.stringify(jsonKey("outcome"))}:"`;
const TIMESTAMP_KEY = `,${JSON.stringify(jsonKey("timestamp"))}:`;

function valuePattern(f: FieldDef, type: EventType): string {
  let p: string;
  if (f.column === "event_type") p = escape(JSON.stringify(type));
  else if (f.column === "outcome") p = `"(?:${OUTCOMES.join("|")})"`;
  else if (f.type === "string") p = STRING;
  else if (f.type === "int32") p = integer(9);
  else if (f.type === "int64") p = integer(15);
  else p = `(?:${ISO}|${integer(15)})`;
  return f.required ? p : `(?:null|${p})`;
}

/** One full-text pattern per event type, generated from the contract (the key order toWire uses). */
const PATTERNS = EVENT_TYPES.map((type) => ({
  type,
  quoted: `${type}"`,
  pattern: new RegExp(`^\\{${fieldsOf(type).map((f) => `${escape(JSON.stringify(f.json))}:${valuePattern(f, type)}`).join(",")}\\}$`),
}));
const QUOTED_OUTCOMES = OUTCOMES.map((outcome) => ({ outcome, quoted: `${outcome}"` }));

/** The event's type, outcome and timestamp when `raw` is a canonical event; null otherwise. */
export function matchCanonical(raw: string): CanonicalEvent | null {
  const t = raw.indexOf(TYPE_KEY);
  if (t < 0) return null;
  const typeStart = t + TYPE_KEY.length;
  let match: (typeof PATTERNS)[number] | undefined;
  for (const p of PATTERNS) {
    if (raw.startsWith(p.quoted, typeStart)) {
      match = p;
      break;
    }
  }
  if (match === undefined || !match.pattern.test(raw)) return null;
  const p = valueAt(raw, TIMESTAMP_KEY, typeStart);
  const timestamp = raw.charCodeAt(p) === 34 ? isoMs(raw, p + 1) : integerAt(raw, p);
  if (!isWritableTimestamp(timestamp)) return null;
  const o = valueAt(raw, OUTCOME_KEY, p);
  for (const v of QUOTED_OUTCOMES) if (raw.startsWith(v.quoted, o)) return { type: match.type, outcome: v.outcome, timestamp };
  return null; // unreachable: the pattern allows only the contract's outcomes
}

/**
 * Where the value of `key` starts in a matched text. The text matched: no string value holds a
 * quote, so the key occurs exactly once, as a key; it is looked for from `from` on (toWire's key
 * order puts it there), then from the start.
 */
function valueAt(raw: string, key: string, from: number): number {
  let at = raw.indexOf(key, from);
  if (at < 0) at = raw.indexOf(key);
  return at + key.length;
}

const digits = (s: string, at: number, n: number) => {
  let v = 0;
  for (let i = at; i < at + n; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
};

/** The integer (already validated) that starts at `at`. */
function integerAt(s: string, at: number): number {
  let end = at + 1;
  while (end < s.length && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
  return Number(s.slice(at, end));
}

/**
 * Epoch ms of `YYYY-MM-DDTHH:MM:SS.sssZ` at `at` (already validated), as Date.parse computes it:
 * a day past the month's end rolls into the next month (2026-02-30 is March 2), as in MakeDay.
 * Days are counted with integer arithmetic (days from 1970-01-01 of a proleptic Gregorian date),
 * which cost a third of a Date.UTC call.
 */
function isoMs(s: string, at: number): number {
  const month = digits(s, at + 5, 2);
  // Years start in March, so the leap day is the last day of the year.
  const year = digits(s, at, 4) - (month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + digits(s, at + 8, 2) - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146_097 + dayOfEra - 719_468;
  return days * DAY_MS + digits(s, at + 11, 2) * 3_600_000 + digits(s, at + 14, 2) * 60_000 + digits(s, at + 17, 2) * 1000 + digits(s, at + 20, 3);
}
