/**
 * The parts of the load simulator's ground truth (src/load/truth.ts) a run keeps: what each
 * table, item, player and guild must show. The analysis notebook checks its answers against it.
 */
import type { GroundTruth } from "../load";

export interface TruthFacts {
  tables: Record<string, number>;
  items: Record<string, { purchases: number; spend: number }>;
  /** Per player identity; `host` is the Host header the player sent (the reference groups by it). */
  players: Record<string, { purchases: number; spend: number; host?: string }>;
  guilds: Record<string, { members: number }>;
  events: { total: number; byType: Record<string, { ok: number; rejected: number }> };
}

/** Only the fields a run keeps (the simulator's truth carries much more). */
export function truthFacts(truth: TruthFacts | GroundTruth): TruthFacts {
  const pick = <T, R>(rec: Record<string, T>, f: (t: T) => R) => Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, f(v)]));
  return {
    tables: { ...truth.tables },
    items: pick(truth.items, (i) => ({ purchases: i.purchases, spend: i.spend })),
    players: pick(truth.players as TruthFacts["players"], (p) => (p.host === undefined ? { purchases: p.purchases, spend: p.spend } : { purchases: p.purchases, spend: p.spend, host: p.host })),
    guilds: pick(truth.guilds, (g) => ({ members: g.members })),
    events: { total: truth.events.total, byType: pick(truth.events.byType, (t) => ({ ok: t.ok, rejected: t.rejected })) },
  };
}

function addCounts<T>(a: Record<string, T>, b: Record<string, T>, add: (x: T | undefined, y: T) => T): Record<string, T> {
  const out: Record<string, T> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = add(out[k], v);
  return out;
}

/**
 * The truth of two loads sent one after the other to the same API. Guild members add up
 * because the loads use disjoint player identities (each run tags its players).
 */
export function mergeTruth(a: TruthFacts, b: TruthFacts): TruthFacts {
  const num = (x: number | undefined, y: number) => (x ?? 0) + y;
  const pair = <P extends { purchases: number; spend: number }>(x: P | undefined, y: P): P =>
    ({ ...y, purchases: (x?.purchases ?? 0) + y.purchases, spend: (x?.spend ?? 0) + y.spend });
  return {
    tables: addCounts(a.tables, b.tables, num),
    items: addCounts(a.items, b.items, pair),
    players: addCounts(a.players, b.players, pair),
    guilds: addCounts(a.guilds, b.guilds, (x, y) => ({ members: (x?.members ?? 0) + y.members })),
    events: {
      total: a.events.total + b.events.total,
      byType: addCounts(a.events.byType, b.events.byType, (x, y) => ({ ok: (x?.ok ?? 0) + y.ok, rejected: (x?.rejected ?? 0) + y.rejected })),
    },
  };
}
