import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as a from "../../src/report/analysis";
import type { QueryEngine } from "../../src/query/engine";
import { assertChecks, checkAgainstTruth } from "../../src/report/truth";
import { fixtureEngine, makeFixture, type Fixture } from "./fixture";

let fixture: Fixture;
let engine: QueryEngine;
before(async () => {
  fixture = makeFixture();
  engine = await fixtureEngine(fixture);
});
after(() => engine.close());

test("table counts match the rows routed to each table", async () => {
  const counts = Object.fromEntries((await a.tableCounts(engine)).rows.map((r) => [r.table_name, r.row_count]));
  assert.deepEqual(counts, { ...fixture.truth.tables });
});

test("the time unit follows the span of the data (three minutes -> seconds)", async () => {
  assert.equal(await a.timeUnitFor(engine), "second");
});

test("revenue over time sums to the total spend and its running total ends there", async () => {
  const rows = (await a.revenueOverTime(engine, "minute")).rows;
  const total = Object.values(fixture.truth.items).reduce((s, i) => s + i.spend, 0);
  assert.equal(rows.length, 3);
  assert.equal(rows.reduce((s, r) => s + r.revenue, 0), total);
  assert.equal(rows[rows.length - 1].cumulative_revenue, total);
  assert.ok(rows.every((r, i) => i === 0 || r.bucket > rows[i - 1].bucket), "sorted by time");
});

test("item popularity gives each item's purchases, revenue and a share summing to 1", async () => {
  const rows = (await a.itemPopularity(engine)).rows;
  for (const r of rows) assert.deepEqual({ purchases: r.purchases, spend: r.revenue }, fixture.truth.items[r.item]);
  assert.ok(Math.abs(rows.reduce((s, r) => s + r.revenue_share, 0) - 1) < 1e-9);
  assert.deepEqual(rows.map((r) => r.revenue), [...rows.map((r) => r.revenue)].sort((x, y) => y - x));
  assert.ok(rows.every((r) => r.kind === (["sabre", "katana", "master_sword", "wood_sword"].includes(r.item) ? "sword" : "shield")));
});

test("spend per player ranks every player, spenders and non-spenders, and the running share ends at 1", async () => {
  const rows = (await a.spendPerPlayer(engine)).rows;
  const expected = Object.entries(fixture.truth.players).map(([id, p]) => [id, p.spend]).sort();
  assert.deepEqual(rows.map((r) => [r.player_id, r.spend]).sort(), expected);
  assert.deepEqual(rows.map((r) => r.spend_rank), rows.map((_, i) => i + 1));
  assert.equal(rows[rows.length - 1].cumulative_revenue_share, 1);
  assert.equal(rows[rows.length - 1].player_share, 1);
  assert.ok(rows.every((r, i) => i === 0 || r.spend <= rows[i - 1].spend));
});

test("guild membership over time ends at each guild's current members", async () => {
  const rows = (await a.guildMembershipOverTime(engine, "second")).rows;
  const last: Record<string, number> = {};
  for (const r of rows) last[r.guild_name] = r.members;
  assert.deepEqual(last, Object.fromEntries(Object.entries(fixture.truth.guilds).map(([g, v]) => [g, v.members])));
});

test("current guild members by event time agree with joins minus leaves", async () => {
  const current = (await a.currentGuildMembers(engine)).rows;
  const net = (await a.guildMembersNet(engine)).rows;
  assert.deepEqual(
    Object.fromEntries(current.map((r) => [r.guild_name, r.guild_member_cnt])),
    Object.fromEntries(net.map((r) => [r.guild_name, r.members])),
  );
});

test("rejected actions give per-type shares that sum to 1", async () => {
  const rows = (await a.rejectedActions(engine)).rows;
  const byType: Record<string, number> = {};
  for (const r of rows) byType[r.event_type] = (byType[r.event_type] ?? 0) + r.share;
  for (const share of Object.values(byType)) assert.ok(Math.abs(share - 1) < 1e-9);
  const unknown = rows.filter((r) => r.reason === "unknown_item").reduce((s, r) => s + r.events, 0);
  assert.equal(unknown, fixture.truth.events.byType.purchase_sword.rejected + fixture.truth.events.byType.purchase_shield.rejected);
});

test("freshness percentiles are ordered and see the late batch", async () => {
  const f = (await a.freshnessPercentiles(engine)).rows[0];
  assert.equal(f.events, fixture.truth.tables.events);
  assert.ok((f.min_ms as number) >= 150 && (f.p50_ms as number) < 2000);
  assert.ok((f.p50_ms as number) <= (f.p90_ms as number) && (f.p90_ms as number) <= (f.p99_ms as number) && (f.p99_ms as number) <= (f.max_ms as number));
  assert.ok((f.p99_ms as number) >= 60_000, "the last minute landed a minute late");
  const buckets = (await a.freshnessOverTime(engine, "minute")).rows;
  assert.deepEqual(buckets.map((b) => b.max_ms < 2000), [true, true, false]);
});

test("the answers pass every ground-truth check, and a wrong answer fails one", async () => {
  const answers = {
    tableCounts: (await a.tableCounts(engine)).rows,
    items: (await a.itemPopularity(engine)).rows,
    players: (await a.spendPerPlayer(engine)).rows,
    currentMembers: (await a.currentGuildMembers(engine)).rows,
    netMembers: (await a.guildMembersNet(engine)).rows,
    rejected: (await a.rejectedActions(engine)).rows,
  };
  const checks = checkAgainstTruth(answers, fixture.truth);
  assert.ok(checks.length >= 10);
  assert.deepEqual(checks.filter((c) => !c.ok), []);
  assert.doesNotThrow(() => assertChecks(checks));

  const wrong = { ...answers, currentMembers: answers.currentMembers.map((r, i) => (i === 0 ? { ...r, guild_member_cnt: r.guild_member_cnt + 1 } : r)) };
  const failed = checkAgainstTruth(wrong, fixture.truth).filter((c) => !c.ok);
  assert.deepEqual(failed.map((c) => c.question), ["Which guilds currently have the most members (event time and log order)"]);
  assert.match(failed[0].actual, /differs at/);
  assert.throws(() => assertChecks(checkAgainstTruth(wrong, fixture.truth)), /currently have the most members/);
});
