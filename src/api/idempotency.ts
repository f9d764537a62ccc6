/**
 * The `Idempotency-Key` request header: its syntax, and what makes two requests "the same request"
 * (the same player doing the same action on the same name). Pure. Both sides of the comparison
 * come from the same fields, one from the request and one from the logged event, so a key stored
 * by a request and a key restored from the log at start-up compare alike.
 */
import { ValidationError } from "../errors";
import type { EventType, GameEvent } from "../events";

/** 1 to 128 characters of letters, digits, `-`, `_`, `.` and `:` (a UUID, a ULID, `order-42:try`). */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const IDEMPOTENCY_KEY_RULE = "1 to 128 characters of letters, digits, '-', '_', '.' and ':'";

/** The request's key, undefined when it sent none; a malformed or repeated header is a 400. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header) || !IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw new ValidationError(`Idempotency-Key must be one header of ${IDEMPOTENCY_KEY_RULE}`, "Idempotency-Key");
  }
  return header;
}

/** What a key is bound to: player, event type, and the item or guild name ("" for GET /). */
export function requestFingerprint(player: string, eventType: EventType, name: string | undefined): string {
  return `${player}\u0000${eventType}\u0000${name ?? ""}`;
}

/** The fingerprint of the request that logged `event`. */
export function eventFingerprint(event: GameEvent): string {
  return requestFingerprint(event.player_id, event.event_type, event.type ?? event.guild_name ?? undefined);
}
