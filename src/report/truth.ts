/**
 * Checks of the report's answers against the load simulator's ground truth (the truth JSON
 * runLoad returns). Pure: answers in, a list of checks out; the notebook shows them as a
 * table and fails when one is wrong, so a wrong report cannot be exported.
 */
import type { Freshness, GuildMembers, ItemRow, PlayerSpend, RejectedRow, TableCount } from "./analysis";
import { ReportError } from "./errors";

/** The parts of the simulator's ground truth (src/load/truth.ts, GroundTruth) the checks read. */
export interface TruthFacts {
  tables: Record<string, number>;
  items: Record<string, { purchases: number; spend: number }>;
  players: Record<string, { purchases: number; spend: number }>;
  guilds: Record<string, { members: number }>;
  events: { total: number; byType: Record<string, { ok: number; rejected: number }> };
}

/** The answers the report computed, as query rows. */
export interface Answers {
  tableCounts: readonly TableCount[];
  items: readonly ItemRow[];
  players: readonly PlayerSpend[];
  /** Current members per guild from the event-time query (guild-members-by-event-time.sql). */
  currentMembers: readonly { guild_name: string; guild_member_cnt: number }[];
  /** Current members per guild as joins minus leaves (guild-members-net.sql). */
  netMembers: readonly GuildMembers[];
  rejected: readonly RejectedRow[];
  freshness?: Freshness;
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
