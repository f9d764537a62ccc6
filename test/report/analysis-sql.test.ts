/**
 * The SQL of notebooks/02-analysis.ipynb, taken from its cells as a user last saved them, run on
 * a synthetic warehouse whose ground truth is known (test/report/fixture.ts): the same answers
 * the notebook's last cell checks, and the properties its charts rely on, without a kernel.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../src/config";
import { connect, countsOf, rows, type Connection } from "../../src/notebook";
import { writeRunRecord } from "../../src/pipeline";
import { makeFixture, writeWarehouse } from "./fixture";
import { notebookQueries } from "./notebook-queries";

const queries = notebookQueries();
const fixture = makeFixture(1500, 7);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "analysis-sql-"));
let db: Connection;
const query = async (name: string, unit?: string) => {
  const sql = queries.get(name);
  assert.ok(sql, `the notebook has no query ${name}`);
  return db.sql(sql(unit));
};

before(async () => {
  await writeWarehouse(fixture, path.join(dataDir, "warehouse"));
  writeRunRecord(dataDir, {
    stack: "embedded", transport: "embedded", storage: "local", query: "duckdb", startedAt: "", finishedAt: "",
    loads: [{ scenario: "fixture", requests: 1500, seed: 7, players: 40, requestsPerSec: 0, exact: true }], truth: fixture.truth,
  });
  db = await connect(loadConfig({ DATA_DIR: dataDir }, dataDir));
});
after(async () => {
  await db?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("the notebook's table counts match the rows routed to each table", async () => {
  assert.deepEqual(countsOf(await query("tableCounts"), "table_name", "row_count"), { ...fixture.truth.tables });
});

test("revenue over time sums to the total spend, its running total ends there, and it is sorted by time", async () => {
  const r = rows(await query("revenue", "minute"));
  const total = Object.values(fixture.truth.items).reduce((s, i) => s + i.spend, 0);
  assert.equal(r.length, 3);
  assert.equal(r.reduce((s, x) => s + Number(x.revenue), 0), total);
  assert.equal(r[r.length - 1].cumulative_revenue, total);
  assert.ok(r.every((x, i) => i === 0 || (x.bucket as Date) > (r[i - 1].bucket as Date)));
});

test("items give each item's purchases and revenue, shares summing to 1, largest revenue first", async () => {
  const items = await query("items");
  assert.deepEqual(countsOf(items, "item", "purchases"), Object.fromEntries(Object.entries(fixture.truth.items).map(([k, i]) => [k, i.purchases])));
  assert.deepEqual(countsOf(items, "item", "revenue"), Object.fromEntries(Object.entries(fixture.truth.items).map(([k, i]) => [k, i.spend])));
  const r = rows(items);
  assert.ok(Math.abs(r.reduce((s, x) => s + Number(x.revenue_share), 0) - 1) < 1e-9);
  assert.ok(r.every((x, i) => i === 0 || Number(x.revenue) <= Number(r[i - 1].revenue)));
  assert.ok(r.every((x) => x.kind === (["sabre", "katana", "master_sword", "wood_sword"].includes(String(x.item)) ? "sword" : "shield")));
});

test("spend per player lists every player, those who bought nothing with 0, biggest spender first", async () => {
  const spend = await query("spend");
  assert.deepEqual(countsOf(spend, "player_id", "spend"), Object.fromEntries(Object.entries(fixture.truth.players).map(([k, p]) => [k, p.spend])));
  const r = rows(spend);
  assert.ok(r.every((x, i) => i === 0 || Number(x.spend) <= Number(r[i - 1].spend)));
});

test("guild membership over time ends at each guild's current members", async () => {
  const last: Record<string, number> = {};
  for (const r of rows(await query("membership", "second"))) last[String(r.guild_name)] = Number(r.members);
  assert.deepEqual(last, Object.fromEntries(Object.entries(fixture.truth.guilds).map(([g, v]) => [g, v.members])));
});

test("current members by latest event and by joins minus leaves both equal the truth", async () => {
  const expected = Object.fromEntries(Object.entries(fixture.truth.guilds).map(([g, v]) => [g, v.members]));
  assert.deepEqual(countsOf(await query("latest"), "guild_name", "guild_member_cnt"), expected);
  assert.deepEqual(countsOf(await query("net"), "guild_name", "members"), expected);
});

test("refused actions give per-type shares summing to 1, and count the unknown items the truth has", async () => {
  const r = rows(await query("rejected"));
  const byType: Record<string, number> = {};
  for (const x of r) byType[String(x.event_type)] = (byType[String(x.event_type)] ?? 0) + Number(x.share);
  for (const share of Object.values(byType)) assert.ok(Math.abs(share - 1) < 1e-9);
  const unknown = r.filter((x) => x.reason === "unknown_item").reduce((s, x) => s + Number(x.events), 0);
  assert.equal(unknown, fixture.truth.events.byType.purchase_sword.rejected + fixture.truth.events.byType.purchase_shield.rejected);
});

test("freshness percentiles are ordered and see the late batch", async () => {
  const [f] = rows(await query("freshness")) as Record<string, number>[];
  assert.equal(f.events, fixture.truth.tables.events);
  assert.ok(f.min_ms >= 150 && f.p50_ms < 2000);
  assert.ok(f.p50_ms <= f.p90_ms && f.p90_ms <= f.p99_ms && f.p99_ms <= f.max_ms);
  assert.ok(f.p99_ms >= 60_000, "the last minute landed a minute late");
  assert.deepEqual(rows(await query("freshnessOverTime", "minute")).map((b) => Number(b.max_ms) < 2000), [true, true, false]);
});

test("the top guild joiners are at most ten, most guilds first", async () => {
  const r = rows(await query("joiners"));
  assert.ok(r.length > 0 && r.length <= 10);
  assert.ok(r.every((x, i) => i === 0 || Number(x.guilds_joined) <= Number(r[i - 1].guilds_joined)));
});
