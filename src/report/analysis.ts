/**
 * The analysis questions, one typed function each: run the named SQL, return the result.
 * Sorting happens in SQL (Danfo's sortValues is quadratic).
 */
import type { QueryEngine, QueryResult } from "../query/engine";
import { analysisSql, chooseTimeUnit, type TimeUnit } from "./sql";

/** A query result whose rows have a known shape. */
export interface Typed<R> extends QueryResult {
  rows: (R & Record<string, unknown>)[];
}

export interface TimeSpan { first_event: string | null; last_event: string | null; span_ms: number | null; events: number }
export interface RevenueBucket { bucket: string; purchases: number; revenue: number; cumulative_revenue: number }
export interface ItemRow { item: string; kind: "sword" | "shield"; purchases: number; revenue: number; revenue_share: number }
export interface PlayerSpend { player_id: string; purchases: number; spend: number; spend_rank: number; player_share: number; cumulative_revenue_share: number | null }
export interface GuildMembership { bucket: string; guild_name: string; net_change: number; members: number }
export interface GuildMembers { guild_name: string; members: number; joins: number; leaves: number }
export interface RejectedRow { event_type: string; outcome: string; reason: string; events: number; share: number }
export interface DeadLetterRow { reason: string; messages: number }
export interface Freshness { events: number; min_ms: number | null; p50_ms: number | null; p90_ms: number | null; p99_ms: number | null; max_ms: number | null }
export interface FreshnessBucket { bucket: string; events: number; mean_ms: number; max_ms: number }
export interface TableCount { table_name: string; row_count: number }
export interface GuildJoiner { player_id: string; guilds_joined: number; joins: number }

async function run<R>(engine: QueryEngine, name: string, unit?: TimeUnit): Promise<Typed<R>> {
  return (await engine.query(analysisSql(name, { unit }))) as Typed<R>;
}

export const tableCounts = (e: QueryEngine) => run<TableCount>(e, "table-counts");
export const timeSpan = (e: QueryEngine) => run<TimeSpan>(e, "time-span");
export const itemPopularity = (e: QueryEngine) => run<ItemRow>(e, "item-popularity");
export const spendPerPlayer = (e: QueryEngine) => run<PlayerSpend>(e, "spend-per-player");
export const guildMembersNet = (e: QueryEngine) => run<GuildMembers>(e, "guild-members-net");
export const rejectedActions = (e: QueryEngine) => run<RejectedRow>(e, "rejected-actions");
export const deadLetters = (e: QueryEngine) => run<DeadLetterRow>(e, "dead-letters");
export const freshnessPercentiles = (e: QueryEngine) => run<Freshness>(e, "freshness-percentiles");
export const topGuildJoiners = (e: QueryEngine) => run<GuildJoiner>(e, "top-guild-joiners");
export const revenueOverTime = (e: QueryEngine, unit: TimeUnit) => run<RevenueBucket>(e, "revenue-over-time", unit);
export const guildMembershipOverTime = (e: QueryEngine, unit: TimeUnit) => run<GuildMembership>(e, "guild-membership-over-time", unit);
export const freshnessOverTime = (e: QueryEngine, unit: TimeUnit) => run<FreshnessBucket>(e, "freshness-over-time", unit);

/** The time bucket suited to the data's span (seconds for a short notebook run). */
export async function timeUnitFor(engine: QueryEngine): Promise<TimeUnit> {
  const span = (await timeSpan(engine)).rows[0];
  return chooseTimeUnit(Number(span?.span_ms ?? 0));
}

export interface CurrentMembers { guild_name: string; guild_member_cnt: number }
/** Which guilds currently have the most members: the latest completed action per guild by event time and log order. */
export const currentGuildMembers = (e: QueryEngine) => run<CurrentMembers>(e, "current-guild-members");
