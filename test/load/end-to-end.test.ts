import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { startApi, type ApiServer } from "../../src/api";
import type { Config } from "../../src/config";
import type { GameEvent } from "../../src/events";
import { silentLogger } from "../../src/logger";
import { runLoad, type LoadResult } from "../../src/load";
import { catalog, readBack, tempDir, testConfig } from "./helpers";

/** Counts from the events actually logged, in the shape of the ground truth. */
function countLogged(events: GameEvent[]) {
  const byType: Record<string, { ok: number; rejected: number }> = {};
  const items: Record<string, { purchases: number; spend: number }> = {};
  const players: Record<string, { purchases: number; spend: number }> = {};
  const membership = new Map<string, Set<string>>();
  const tables = { events: events.length, sword_purchases: 0, purchases: 0, guilds: 0 };
  const statuses: Record<string, number> = {};
  for (const e of events) {
    (byType[e.event_type] ??= { ok: 0, rejected: 0 })[e.outcome]++;
    statuses[e.status] = (statuses[e.status] ?? 0) + 1;
    if (e.event_type === "join_guild" || e.event_type === "leave_guild") {
      tables.guilds++;
      if (e.outcome === "ok") {
        const set = membership.get(e.guild_name ?? "") ?? new Set<string>();
        if (e.event_type === "join_guild") set.add(e.player_id);
        else set.delete(e.player_id);
        membership.set(e.guild_name ?? "", set);
      }
    }
    if ((e.event_type === "purchase_sword" || e.event_type === "purchase_shield") && e.outcome === "ok") {
      tables.purchases++;
      if (e.event_type === "purchase_sword") tables.sword_purchases++;
      const item = (items[e.type ?? ""] ??= { purchases: 0, spend: 0 });
      const player = (players[e.player_id] ??= { purchases: 0, spend: 0 });
      item.purchases++;
      item.spend += e.cost ?? 0;
      player.purchases++;
      player.spend += e.cost ?? 0;
    }
  }
  const guilds = Object.fromEntries([...membership].map(([g, set]) => [g, [...set].sort()]));
  return { byType, items, players, guilds, tables, statuses };
}

describe("player simulator against the API on the embedded log", () => {
  let config: Config;
  let api: ApiServer;
  let result: LoadResult;
  let logged: Awaited<ReturnType<typeof readBack>>;

  const dir = tempDir();
  before(async () => {
    // The test checks answers against the ground truth, not speed: on a loaded 2-core machine a
    // write to the log can stall past the default 5 s bound, and its 503 would count as a wrong
    // answer. With a minute's bound a 503 means the API or the log failed.
    config = testConfig(dir, { PUBLISH_TIMEOUT_MS: "60000" });
    api = await startApi(config, silentLogger);
    // Many connections and no rate limit keep 10,000 requests quick.
    result = await runLoad({ url: api.url, catalog: catalog(config), scenario: "players", players: 400, requests: 10_000, seed: 42, connections: 96 });
    await api.close();
    logged = await readBack(config);
  });
  after(async () => {
    await api?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("gets every one of at least 10,000 requests answered as expected", () => {
    assert.equal(result.summary.requests.answered, 10_000);
    assert.equal(result.summary.requests.unanswered, 0);
    assert.deepEqual(result.summary.mismatchExamples, []);
    assert.equal(result.summary.mismatches, 0);
    assert.equal(result.truth.run.exact, true);
  });

  it("finds in the log exactly the events the ground truth predicts, per type and outcome", () => {
    const counted = countLogged(logged.events);
    assert.equal(logged.deadLetters, 0);
    assert.equal(logged.events.length, result.truth.events.total);
    const truthByType = Object.fromEntries(Object.entries(result.truth.events.byType).filter(([, v]) => v.ok + v.rejected > 0));
    assert.deepEqual(counted.byType, truthByType);
    const { dead_letters, ...tables } = result.truth.tables;
    assert.equal(dead_letters, 0);
    assert.deepEqual(counted.tables, tables);
  });

  it("matches the ground truth per item and per player (purchases and spend)", () => {
    const counted = countLogged(logged.events);
    const truthItems = Object.fromEntries(Object.entries(result.truth.items).filter(([, v]) => v.purchases > 0).map(([k, v]) => [k, { purchases: v.purchases, spend: v.spend }]));
    assert.deepEqual(counted.items, truthItems);
    const truthPlayers = Object.fromEntries(Object.entries(result.truth.players).filter(([, v]) => v.purchases > 0).map(([k, v]) => [k, { purchases: v.purchases, spend: v.spend }]));
    assert.deepEqual(counted.players, truthPlayers);
  });

  it("matches the ground truth's guild membership at the end, per guild and per player", () => {
    const counted = countLogged(logged.events);
    const truthGuilds = Object.fromEntries(Object.entries(result.truth.guilds).filter(([g]) => g in counted.guilds).map(([g, v]) => [g, v.players]));
    assert.deepEqual(counted.guilds, truthGuilds);
    for (const [g, v] of Object.entries(result.truth.guilds)) if (!(g in counted.guilds)) assert.equal(v.members, 0, g);
    for (const [id, p] of Object.entries(result.truth.players)) {
      const inLog = Object.entries(counted.guilds).filter(([, members]) => members.includes(id)).map(([g]) => g).sort();
      assert.deepEqual(inLog, p.guilds, id);
    }
  });

  it("answers invalid requests 4xx, counts them as such, and logs only the 404s and 409s", () => {
    const { statusCodes } = result.summary;
    const truth = result.truth;
    const invalid = truth.byIntent.unknown_item + truth.byIntent.bad_name + truth.byIntent.repeat_join + truth.byIntent.leave_not_member;
    assert.ok(invalid > 200, `only ${invalid} invalid requests`);
    assert.equal(statusCodes["400"], truth.byIntent.bad_name);
    assert.equal(statusCodes["404"], truth.byIntent.unknown_item);
    assert.equal(statusCodes["409"], truth.byIntent.repeat_join + truth.byIntent.leave_not_member);
    assert.equal(statusCodes["200"], truth.byIntent.valid);
    const counted = countLogged(logged.events);
    assert.deepEqual(counted.statuses, { 200: statusCodes["200"], 404: statusCodes["404"], 409: statusCodes["409"] });
    assert.equal(logged.events.filter((e) => e.outcome === "rejected").length, statusCodes["404"] + statusCodes["409"]);
  });
});
