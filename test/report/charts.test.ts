import { test } from "node:test";
import assert from "node:assert/strict";
import {
  currentGuildMembersChart, freshnessChart, guildMembershipChart, itemPopularityChart, itemRevenueChart,
  rejectionChart, revenueOverTimeChart, spendConcentrationChart, spendDistributionChart, VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "../../src/report/charts";

const items = [
  { item: "master_sword", kind: "sword" as const, purchases: 2, revenue: 154, revenue_share: 0.7 },
  { item: "buckler", kind: "shield" as const, purchases: 11, revenue: 66, revenue_share: 0.3 },
];
const players = [
  { player_id: "a", purchases: 3, spend: 90, spend_rank: 1, player_share: 0.5, cumulative_revenue_share: 0.9 },
  { player_id: "b", purchases: 1, spend: 10, spend_rank: 2, player_share: 1, cumulative_revenue_share: 1 },
];

/** Every field an encoding (or a layer's encoding) names, by channel. */
function fieldsByChannel(spec: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const units = (spec.layer as Record<string, unknown>[] | undefined) ?? [spec];
  for (const unit of units) {
    for (const [channel, def] of Object.entries((unit.encoding ?? {}) as Record<string, { field?: string }>)) {
      if (def.field) (out[channel] ??= []).push(def.field);
    }
  }
  return out;
}

function assertWellFormed(spec: VegaLiteSpec, title: string): void {
  assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
  assert.equal(spec.title.text, title);
  assert.ok(Array.isArray(spec.data.values));
  assert.doesNotThrow(() => JSON.stringify(spec));
}

test("revenue over time plots revenue bars and the running total against event time", () => {
  const spec = revenueOverTimeChart([{ bucket: "2026-11-27T18:00:00.000Z", purchases: 2, revenue: 16, cumulative_revenue: 16 }], "second");
  assertWellFormed(spec, "Revenue over time");
  assert.deepEqual(fieldsByChannel(spec), { x: ["bucket", "bucket"], y: ["revenue", "cumulative_revenue"] });
  const layers = spec.layer as { encoding: { x: { type: string; title: string } } }[];
  assert.equal(layers[0].encoding.x.type, "temporal");
  assert.match(layers[0].encoding.x.title, /per second/);
});

test("item revenue keeps the SQL order (by revenue), coloured by kind and labelled with the share", () => {
  const spec = itemRevenueChart(items);
  assertWellFormed(spec, "Revenue share by item");
  assert.deepEqual(fieldsByChannel(spec), { y: ["item", "item"], x: ["revenue", "revenue"], color: ["kind"], text: ["share_label"] });
  assert.deepEqual(spec.data.values.map((v) => v.share_label), ["70.0%", "30.0%"]);
  assert.equal((spec.layer as { encoding: { y: { sort: null } } }[])[0].encoding.y.sort, null);
});

test("item popularity counts purchases per item", () => {
  const spec = itemPopularityChart(items);
  assertWellFormed(spec, "Most purchased items");
  assert.deepEqual(fieldsByChannel(spec), { y: ["item"], x: ["purchases"], color: ["kind"] });
});

test("spend distribution bins spend per player with a log-like count axis", () => {
  const spec = spendDistributionChart(players);
  assertWellFormed(spec, "Spend per player");
  const enc = spec.encoding as { x: { field: string; bin: unknown }; y: { aggregate: string; scale: { type: string } } };
  assert.equal(enc.x.field, "spend");
  assert.ok(enc.x.bin);
  assert.equal(enc.y.aggregate, "count");
  assert.equal(enc.y.scale.type, "symlog");
  assert.deepEqual((enc.y as unknown as { axis: { values: number[] } }).axis.values, [0, 1, 2], "1-2-5 ticks up to the player count");
  assert.deepEqual(spec.data.values, [{ spend: 90 }, { spend: 10 }]);
});

test("spend concentration starts at the origin and draws the equal-spend diagonal", () => {
  const spec = spendConcentrationChart(players);
  assertWellFormed(spec, "Revenue concentration");
  assert.deepEqual(spec.data.values[0], { player_share: 0, cumulative_revenue_share: 0 });
  assert.equal(spec.data.values.length, 3);
  assert.deepEqual(fieldsByChannel(spec), { x: ["player_share", "player_share"], y: ["cumulative_revenue_share", "equal"] });
});

test("guild membership draws one step line per guild", () => {
  const spec = guildMembershipChart([{ bucket: "2026-11-27T18:00:00.000Z", guild_name: "grubs", net_change: 1, members: 1 }], "minute");
  assertWellFormed(spec, "Guild membership over time");
  assert.deepEqual(fieldsByChannel(spec), { x: ["bucket"], y: ["members"], color: ["guild_name"] });
  assert.equal((spec.mark as { interpolate: string }).interpolate, "step-after");
});

test("current guild members keeps only name and count", () => {
  const spec = currentGuildMembersChart([{ guild_name: "grubs", members: 4 }]);
  assertWellFormed(spec, "Guilds by current members");
  assert.deepEqual(spec.data.values, [{ guild_name: "grubs", members: 4 }]);
});

test("refused actions are stacked to 100% per action with the reason in the legend", () => {
  const spec = rejectionChart([
    { event_type: "join_guild", outcome: "ok", reason: "-", events: 8, share: 0.8 },
    { event_type: "join_guild", outcome: "rejected", reason: "already_member", events: 2, share: 0.2 },
  ]);
  assertWellFormed(spec, "Refused actions");
  assert.deepEqual(spec.data.values.map((v) => v.label), ["ok", "rejected: already_member"]);
  assert.equal((spec.encoding as { x: { stack: string } }).x.stack, "normalize");
});

test("freshness plots mean and max delay on a log scale, never below 1 ms", () => {
  const spec = freshnessChart([{ bucket: "2026-11-27T18:00:00.000Z", events: 3, mean_ms: 0, max_ms: 1500 }], "second");
  assertWellFormed(spec, "Pipeline freshness");
  assert.deepEqual(spec.data.values.map((v) => [v.series, v.delay_ms]), [["mean", 1], ["max", 1500]]);
  assert.equal((spec.encoding as { y: { scale: { type: string } } }).y.scale.type, "log");
});

test("event-time axes show 24-hour UTC clock times", () => {
  const spec = guildMembershipChart([{ bucket: "2026-11-27T19:52:00.000Z", guild_name: "grubs", net_change: 1, members: 1 }], "second");
  const x = (spec.encoding as { x: { axis: { format: string }; scale: { type: string } } }).x;
  assert.equal(x.axis.format, "%H:%M:%S");
  assert.equal(x.scale.type, "utc");
});
