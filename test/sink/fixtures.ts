/**
 * Deterministic sample events for the sink's tests and benchmarks: a known mix of event types,
 * outcomes and malformed messages, so every table's expected content can be counted by hand.
 */
import { buildEvent, toWire, type EventType, type GameEvent, type NewEvent } from "../../src/events";
import { prng } from "../helpers/prng";

const SWORDS = ["copper_sword", "iron_sword", "long_sword", "katana"];
const SHIELDS = ["buckler", "wood_shield", "mirror_shield"];
const GUILDS = ["house_stark", "grubs", "ucbears"];


const TYPES: EventType[] = ["default", "purchase_sword", "purchase_sword", "purchase_shield", "join_guild", "leave_guild"];

/** A uuid-shaped id that is unique per index and seed. */
export function fixtureId(seed: number, i: number): string {
  const hex = (seed * 1_000_003 + i).toString(16).padStart(12, "0").slice(-12);
  return `00000000-0000-4000-8000-${hex}`;
}

/** The i-th sample event: deterministic in (seed, i); timestamps spread over two UTC days. */
export function sampleEvent(i: number, seed = 1, startMs = Date.UTC(2026, 10, 26, 20, 0, 0)): GameEvent {
  const rand = prng(seed * 7919 + i);
  const type = TYPES[Math.floor(rand() * TYPES.length)];
  const rejected = rand() < 0.1;
  const base: NewEvent = {
    event_id: fixtureId(seed, i),
    event_type: type,
    timestamp: startMs + i * 37,
    player_id: `player${Math.floor(rand() * 50)}`,
    headers: { host: "user1.comcast.com", userAgent: "ApacheBench/2.3", accept: "*/*" },
    outcome: type !== "default" && rejected ? "rejected" : "ok",
    status: type !== "default" && rejected ? 404 : 200,
    reason: type !== "default" && rejected ? "unknown_item" : undefined,
  };
  if (type === "purchase_sword") {
    base.payload = { type: SWORDS[i % SWORDS.length], cost: rejected ? null : 5 + (i % 7) };
  } else if (type === "purchase_shield") {
    base.payload = { type: SHIELDS[i % SHIELDS.length], cost: rejected ? null : 3 + (i % 5) };
  } else if (type === "join_guild" || type === "leave_guild") {
    base.payload = { guild_name: GUILDS[i % GUILDS.length], guild_member_cnt: rejected ? null : i % 9, tot_guild_member_cnt: i % 17 };
  }
  return buildEvent(base);
}

/** Malformed messages, one of each dead-letter kind (oversized needs a small SINK_MAX_MESSAGE_BYTES or a huge body). */
export function badMessages(tag: string, maxBytes = 65536): { value: string | Buffer; reason: string }[] {
  return [
    { value: `{"event_type": "purchase_sword", oops ${tag}`, reason: "not_json" },
    { value: `[1, 2, "${tag}"]`, reason: "not_an_object" },
    { value: JSON.stringify({ event_type: "dance", tag }), reason: "unknown_event_type" },
    { value: JSON.stringify({ event_type: "default", event_id: tag }), reason: "missing_field" },
    { value: toWire(sampleEvent(0)).replace('"status":200', `"status":"${tag}"`), reason: "wrong_type" },
    { value: JSON.stringify({ event_type: "default", pad: "x".repeat(maxBytes), tag }), reason: "oversized" },
    { value: Buffer.from([0xff, 0xfe, 0x00, 0x7b, tag.length & 0xff]), reason: "not_json" },
  ];
}

/** Which tables a valid sample event lands in (a hand-written oracle, independent of TABLES.accepts). */
export function expectedTables(e: GameEvent): string[] {
  const out = ["events"];
  if (e.event_type === "purchase_sword" && e.outcome === "ok") out.push("sword_purchases");
  if ((e.event_type === "purchase_sword" || e.event_type === "purchase_shield") && e.outcome === "ok") out.push("purchases");
  if (e.event_type === "join_guild" || e.event_type === "leave_guild") out.push("guilds");
  return out;
}
