/**
 * The reference's request mix (../shared/anchors/ab.sh: 13 request kinds, 32 requests), as data,
 * interleaved so that a short run or a single connection still sees every kind in proportion.
 * Also turns the mix into events for pre-filling a topic, through the project's event contract.
 */
import { randomUUID } from "node:crypto";
import { costOf, loadCatalog } from "../../../src/api/catalog";
import { loadConfig } from "../../../src/config";
import { buildEvent, toWire, type EventType } from "../../../src/events";
import { abMix } from "../../../src/load/reference";

export interface MixEntry {
  path: string;
  host: string;
  count: number;
}

/** The ab.sh mix, from the load simulator (one definition of it in the project). */
export const REFERENCE_MIX: readonly MixEntry[] = abMix();

/** One request per unit of count, spread evenly: entry i's k-th request sits at position (k + 0.5) / count. */
export function interleave(mix: readonly MixEntry[]): { path: string; host: string }[] {
  const slots = mix.flatMap((e, i) =>
    Array.from({ length: e.count }, (_, k) => ({ at: (k + 0.5) / e.count, i, path: e.path, host: e.host })),
  );
  slots.sort((a, b) => a.at - b.at || a.i - b.i);
  return slots.map(({ path, host }) => ({ path, host }));
}

/** Prices from the project's catalogue, as the API would charge them. */
const CATALOG = loadCatalog(loadConfig({}).api.catalogFile, 64);

/**
 * The event the API would log for a mix request. All purchases in the mix are catalogue items, so
 * they are `ok` and land in both sides' purchase tables: row counts per table are then comparable
 * with the reference job, which keeps every purchase.
 */
export function eventFor(request: { path: string; host: string }, timestamp: number, seq: number): string {
  const [, action = "", name = ""] = request.path.split("/");
  const type: EventType = ({
    purchase_a_sword: "purchase_sword",
    purchase_a_shield: "purchase_shield",
    join_guild: "join_guild",
    leave_guild: "leave_guild",
  } as Record<string, EventType>)[action] ?? "default";
  const guild = type === "join_guild" || type === "leave_guild";
  const members = 1 + (seq % 50);
  return toWire(buildEvent({
    event_id: randomUUID(),
    event_type: type,
    timestamp,
    player_id: request.host,
    headers: { host: request.host, userAgent: "ApacheBench/2.3", accept: "*/*" },
    outcome: "ok",
    status: 200,
    payload: type === "purchase_sword" || type === "purchase_shield"
      ? { type: name, cost: costOf(CATALOG, type === "purchase_sword" ? "sword" : "shield", name) ?? null }
      : guild ? { guild_name: name, guild_member_cnt: members, tot_guild_member_cnt: members * 3 } : {},
  }));
}

/** Expected rows per reference table for `n` events of the interleaved mix (events i = 0..n-1). */
export function expectedTableRows(n: number): Record<"sword_purchases" | "purchases" | "guilds", number> {
  const seq = interleave(REFERENCE_MIX);
  const out = { sword_purchases: 0, purchases: 0, guilds: 0 };
  const per = { sword_purchases: 0, purchases: 0, guilds: 0 };
  for (const r of seq) {
    if (r.path.startsWith("/purchase_a_sword/")) per.sword_purchases += 1;
    if (r.path.startsWith("/purchase_a_")) per.purchases += 1;
    if (r.path.includes("_guild/")) per.guilds += 1;
  }
  const full = Math.floor(n / seq.length);
  for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] = full * per[k];
  for (const r of seq.slice(0, n % seq.length)) {
    if (r.path.startsWith("/purchase_a_sword/")) out.sword_purchases += 1;
    if (r.path.startsWith("/purchase_a_")) out.purchases += 1;
    if (r.path.includes("_guild/")) out.guilds += 1;
  }
  return out;
}
