/**
 * A small known game session for the reference queries, with its answers counted by hand.
 * Three players (hosts h1, h2, h3); timestamps one second apart across midnight UTC, so the
 * tables have two dt partitions.
 */
import * as path from "node:path";
import { buildEvent, TABLES, type GameEvent, type NewEvent } from "../../src/events";
import type { Storage } from "../../src/storage";
import { dtOf, rowOf, writePartitionFile } from "./parquet-fixture";

const T0 = Date.parse("2026-01-01T23:59:55.000Z");
type Step = Pick<NewEvent, "event_type" | "outcome" | "reason" | "payload"> & { host: string };

const buy = (host: string, kind: "sword" | "shield", type: string, cost: number): Step => ({
  host, event_type: kind === "sword" ? "purchase_sword" : "purchase_shield", outcome: "ok", payload: { type, cost },
});
const join = (host: string, guild: string, cnt: number | null): Step => ({
  host, event_type: "join_guild", outcome: cnt === null ? "rejected" : "ok", reason: cnt === null ? "already_member" : undefined,
  payload: { guild_name: guild, guild_member_cnt: cnt },
});
const leave = (host: string, guild: string, cnt: number | null): Step => ({
  host, event_type: "leave_guild", outcome: cnt === null ? "rejected" : "ok", reason: cnt === null ? "not_member" : undefined,
  payload: { guild_name: guild, guild_member_cnt: cnt },
});

const STEPS: Step[] = [
  { host: "h1", event_type: "default", outcome: "ok" },
  buy("h1", "sword", "longsword", 10),
  buy("h2", "sword", "katana", 40),
  { host: "h2", event_type: "purchase_sword", outcome: "rejected", reason: "unknown_item", payload: { type: "banana", cost: null } },
  join("h1", "g1", 1),
  buy("h1", "sword", "longsword", 10),
  join("h1", "g2", 1),
  buy("h2", "shield", "buckler", 5),
  join("h2", "g1", 2),
  { host: "h3", event_type: "default", outcome: "ok" },
  join("h2", "g2", 2),
  join("h1", "g1", null),
  buy("h3", "shield", "buckler", 5),
  join("h3", "g2", 3),
  buy("h1", "sword", "longsword", 10),
  join("h1", "g3", 1),
  leave("h3", "g1", null),
  leave("h2", "g1", 1),
];

export const SCENARIO: GameEvent[] = STEPS.map((s, i) =>
  buildEvent({
    event_id: `scenario-${i}`,
    event_type: s.event_type,
    timestamp: T0 + i * 1000,
    player_id: s.host,
    headers: { host: s.host, userAgent: "ApacheBench/2.3", accept: "*/*" },
    outcome: s.outcome,
    status: s.outcome === "ok" ? 200 : s.event_type.startsWith("purchase") ? 404 : 409,
    reason: s.reason,
    payload: s.payload,
  }),
);

/** Writes each table's rows (routed by the table's own `accepts`) as one file per dt partition. */
export async function writeScenario(storage: Storage, events: readonly GameEvent[] = SCENARIO): Promise<void> {
  for (const table of TABLES) {
    const byDay = new Map<string, ReturnType<typeof rowOf>[]>();
    events.forEach((event, offset) => {
      if (!table.accepts(event)) return;
      const day = dtOf(event.timestamp);
      byDay.set(day, [...(byDay.get(day) ?? []), rowOf(event, offset)]);
    });
    for (const [day, rows] of byDay) {
      const name = `events+0+${String(rows[0].kafka_offset).padStart(20, "0")}+${String(rows.at(-1)!.kafka_offset).padStart(20, "0")}.parquet`;
      await writePartitionFile(storage, path.posix.join(storage.root, table.name), table, day, name, rows);
    }
  }
}
