/**
 * Checks of the report's answers against the load simulator's ground truth (the truth JSON
 * runLoad returns). Pure: answers in, a list of checks out; the notebook shows them as a
 * table and fails when one is wrong, so a wrong report cannot be exported.
 */
import type { GuildMembers, ItemRow, PlayerSpend, RejectedRow, TableCount } from "./analysis";
import { ReportError } from "./errors";

/** The parts of the simulator's ground truth (src/load/truth.ts, GroundTruth) the checks read. */
export interface TruthFacts {
  tables: Record<string, number>;
  items: Record<string, { purchases: number; spend: number }>;
  /** Per player identity; `host` is the Host header the player sent (the reference groups by it). */
  players: Record<string, { purchases: number; spend: number; host?: string }>;
  guilds: Record<string, { members: number }>;
  events: { total: number; byType: Record<string, { ok: number; rejected: number }> };
}

/** The answers the report computed, as query rows. */
export interface Answers {
  tableCounts: readonly TableCount[];
  items: readonly ItemRow[];
  players: readonly PlayerSpend[];
  /** Current members per guild from the event-time query (current-guild-members.sql). */
  currentMembers: readonly { guild_name: string; guild_member_cnt: number }[];
  /** Current members per guild as joins minus leaves (guild-members-net.sql). */
  netMembers: readonly GuildMembers[];
  rejected: readonly RejectedRow[];
  /** The reference's own queries' answers (runReferenceQueries), when available. */
  reference?: ReferenceSubset;
}

/** The reference answers the checks read (a subset of src/query/reference.ts ReferenceAnswers). */
export interface ReferenceSubset {
  "purchase-hosts": { rows: { host: string | null }[] };
  "purchases-per-host": { rows: { host: string | null; num_purchases: number }[] };
  "money-spent-per-host": { rows: { host: string | null; money_spent: number | null }[] };
  "purchases-per-item": { rows: { type: string; num_purchases: number }[] };
  "guild-events": { rows: { num_events: number }[] };
  "guild-events-accepted": { rows: { num_events: number }[] };
}

export interface Check {
  question: string;
  expected: string;
  actual: string;
  ok: boolean;
}

/** Canonical text of a name -> number map without zero entries, sorted by name (for comparison and display). */
export function describeCounts(map: Record<string, number>): string {
  const entries = Object.entries(map).filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length > 8) {
    const total = entries.reduce((s, [, n]) => s + n, 0);
    return `${entries.length} entries, total ${total}, ${entries.slice(0, 3).map(([k, n]) => `${k}=${n}`).join(", ")}, ...`;
  }
  return entries.map(([k, n]) => `${k}=${n}`).join(", ") || "(none)";
}

function sameCounts(expected: Record<string, number>, actual: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].every((k) => (expected[k] ?? 0) === (actual[k] ?? 0));
}

function countsCheck(question: string, expected: Record<string, number>, actual: Record<string, number>): Check {
  const ok = sameCounts(expected, actual);
  let actualText = describeCounts(actual);
  if (!ok) {
    const diff = [...new Set([...Object.keys(expected), ...Object.keys(actual)])]
      .filter((k) => (expected[k] ?? 0) !== (actual[k] ?? 0)).sort().slice(0, 5)
      .map((k) => `${k}: expected ${expected[k] ?? 0}, got ${actual[k] ?? 0}`);
    actualText += ` — differs at ${diff.join("; ")}`;
  }
  return { question, expected: describeCounts(expected), actual: actualText, ok };
}

const mapOf = <R>(rows: readonly R[], key: (r: R) => string, value: (r: R) => number): Record<string, number> =>
  Object.fromEntries(rows.map((r) => [key(r), Number(value(r))]));

const truthMap = <T>(record: Record<string, T>, value: (t: T) => number): Record<string, number> =>
  Object.fromEntries(Object.entries(record).map(([k, t]) => [k, value(t)]));

/** Every check of the reference's questions (and ours) against the ground truth. */
export function checkAgainstTruth(answers: Answers, truth: TruthFacts): Check[] {
  const spenders = (r: { purchases: number }) => (r.purchases > 0 ? 1 : 0);
  const okOf = (type: string) => truth.events.byType[type]?.ok ?? 0;
  const rejectedOf = (type: string) => truth.events.byType[type]?.rejected ?? 0;
  const rejectedRows = answers.rejected.filter((r) => r.outcome === "rejected");
  return [
    countsCheck("Rows in each table", { dead_letters: 0, ...truth.tables }, mapOf(answers.tableCounts, (r) => r.table_name, (r) => r.row_count)),
    countsCheck("Which players bought something", truthMap(truth.players, spenders), mapOf(answers.players, (r) => r.player_id, spenders)),
    countsCheck("Purchases per player", truthMap(truth.players, (p) => p.purchases), mapOf(answers.players, (r) => r.player_id, (r) => r.purchases)),
    countsCheck("Money spent per player", truthMap(truth.players, (p) => p.spend), mapOf(answers.players, (r) => r.player_id, (r) => r.spend)),
    countsCheck("Most purchased items", truthMap(truth.items, (i) => i.purchases), mapOf(answers.items, (r) => r.item, (r) => r.purchases)),
    countsCheck("Revenue per item", truthMap(truth.items, (i) => i.spend), mapOf(answers.items, (r) => r.item, (r) => r.revenue)),
    countsCheck("Guild events with a member count (completed joins and leaves)",
      { join_guild: okOf("join_guild"), leave_guild: okOf("leave_guild") },
      { join_guild: sumNet(answers.netMembers, "joins"), leave_guild: sumNet(answers.netMembers, "leaves") }),
    countsCheck("Which guilds currently have the most members (event time and log order)",
      truthMap(truth.guilds, (g) => g.members), mapOf(answers.currentMembers, (r) => r.guild_name, (r) => r.guild_member_cnt)),
    countsCheck("Current members per guild (joins minus leaves)",
      truthMap(truth.guilds, (g) => g.members), mapOf(answers.netMembers, (r) => r.guild_name, (r) => r.members)),
    countsCheck("Refused actions per action type",
      Object.fromEntries(Object.keys(truth.events.byType).map((t) => [t, rejectedOf(t)])),
      rejectedRows.reduce<Record<string, number>>((acc, r) => ((acc[r.event_type] = (acc[r.event_type] ?? 0) + Number(r.events)), acc), {})),
    ...(answers.reference ? referenceChecks(answers.reference, truth) : []),
  ];
}

/** The reference's questions as its own SQL answers them (grouped by the Host header). */
function referenceChecks(ref: ReferenceSubset, truth: TruthFacts): Check[] {
  const byHost = (value: (p: { purchases: number; spend: number }) => number) => {
    const out: Record<string, number> = {};
    for (const [id, p] of Object.entries(truth.players)) {
      const host = p.host ?? id;
      out[host] = (out[host] ?? 0) + value(p);
    }
    return out;
  };
  const okOf = (type: string) => truth.events.byType[type]?.ok ?? 0;
  const one = (rows: { num_events: number }[]) => ({ rows: Number(rows[0]?.num_events ?? 0) });
  return [
    countsCheck(
      "Reference 04: which players (hosts) bought something",
      mapOf(Object.entries(byHost((p) => p.purchases)).filter(([, n]) => n > 0), ([h]) => h, () => 1),
      mapOf(ref["purchase-hosts"].rows, (r) => String(r.host), () => 1),
    ),
    countsCheck("Reference 05: purchases per host", byHost((p) => p.purchases), mapOf(ref["purchases-per-host"].rows, (r) => String(r.host), (r) => r.num_purchases)),
    countsCheck("Reference 06: money spent per host", byHost((p) => p.spend), mapOf(ref["money-spent-per-host"].rows, (r) => String(r.host), (r) => r.money_spent ?? 0)),
    countsCheck("Reference 07: purchases per item", truthMap(truth.items, (i) => i.purchases), mapOf(ref["purchases-per-item"].rows, (r) => r.type, (r) => r.num_purchases)),
    countsCheck("Reference 09: guild events", { rows: truth.tables.guilds ?? 0 }, one(ref["guild-events"].rows)),
    countsCheck("Reference 10: guild events with a member count", { rows: okOf("join_guild") + okOf("leave_guild") }, one(ref["guild-events-accepted"].rows)),
  ];
}

function sumNet(rows: readonly GuildMembers[], field: "joins" | "leaves"): number {
  return rows.reduce((s, r) => s + Number(r[field]), 0);
}

/** Throws when a check failed, naming every failed question. */
export function assertChecks(checks: readonly Check[]): void {
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    throw new ReportError(`report answers differ from the ground truth: ${failed.map((c) => `${c.question} (${c.actual})`).join("; ")}`);
  }
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

/** Only the fields the checks read (the simulator's truth file carries much more). */
export function truthFacts(truth: TruthFacts): TruthFacts {
  const pick = <T, R>(rec: Record<string, T>, f: (t: T) => R) => Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, f(v)]));
  return {
    tables: { ...truth.tables },
    items: pick(truth.items, (i) => ({ purchases: i.purchases, spend: i.spend })),
    players: pick(truth.players, (p) => (p.host === undefined ? { purchases: p.purchases, spend: p.spend } : { purchases: p.purchases, spend: p.spend, host: p.host })),
    guilds: pick(truth.guilds, (g) => ({ members: g.members })),
    events: { total: truth.events.total, byType: pick(truth.events.byType, (t) => ({ ok: t.ok, rejected: t.rejected })) },
  };
}
