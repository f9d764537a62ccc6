import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeTruth, GameModel, isValidName, planRequests } from "../../src/load";
import type { PlannedRequest } from "../../src/load";
import { catalog } from "./helpers";

const cat = catalog();
const sent = (player: string, route: PlannedRequest["route"], name?: string, intent: PlannedRequest["intent"] = "valid") => ({ player, host: player, route, name, intent });

describe("game model", () => {
  it("accepts names of 1..64 safe characters and nothing else", () => {
    assert.ok(isValidName("a", 64));
    assert.ok(isValidName("x".repeat(64), 64));
    assert.ok(isValidName("Long-sword_2.0", 64));
    assert.ok(!isValidName("", 64));
    assert.ok(!isValidName("x".repeat(65), 64));
    for (const bad of ["iron sword", "iron@sword", "épée", "a/b", "a;b"]) assert.ok(!isValidName(bad, 64), bad);
  });

  it("answers a second join 409 and a leave without membership 409, changing nothing", () => {
    const model = new GameModel(cat);
    const p = "p1.example.com";
    assert.equal(model.apply({ player: p, route: "join_guild", name: "grubs" }).status, 200);
    const again = model.apply({ player: p, route: "join_guild", name: "grubs" });
    assert.deepEqual([again.status, again.event?.outcome, again.event?.reason], [409, "rejected", "already_member"]);
    assert.deepEqual(model.guildsOf(p), ["grubs"]);
    const stray = model.apply({ player: p, route: "leave_guild", name: "ucbears" });
    assert.deepEqual([stray.status, stray.event?.reason], [409, "not_member"]);
    assert.equal(model.apply({ player: p, route: "leave_guild", name: "grubs" }).status, 200);
    assert.deepEqual(model.guildsOf(p), []);
  });

  it("keeps membership per player: one player's join does not make another a member", () => {
    const model = new GameModel(cat);
    model.apply({ player: "a", route: "join_guild", name: "grubs" });
    assert.equal(model.apply({ player: "b", route: "leave_guild", name: "grubs" }).status, 409);
    assert.equal(model.apply({ player: "b", route: "join_guild", name: "grubs" }).status, 200);
  });

  it("prices catalogue items, rejects unknown ones with 404 (logged) and bad names with 400 (not logged)", () => {
    const model = new GameModel(cat);
    const sabre = model.apply({ player: "a", route: "purchase_a_sword", name: "sabre" });
    assert.deepEqual([sabre.status, sabre.event?.cost], [200, 6]);
    const shieldAsSword = model.apply({ player: "a", route: "purchase_a_sword", name: "buckler" });
    assert.deepEqual([shieldAsSword.status, shieldAsSword.event?.outcome, shieldAsSword.event?.reason], [404, "rejected", "unknown_item"]);
    assert.deepEqual(model.apply({ player: "a", route: "purchase_a_shield", name: "bad name" }), { status: 400, event: null });
  });
});

describe("ground truth", () => {
  it("matches a hand count of one pass of the reference's ab.sh mix", () => {
    const pass = planRequests({ scenario: "reference", catalog: cat }, 32);
    const { truth } = computeTruth(pass, cat);
    // 409s: 3 repeated house_stark joins, 2 extra leaves, 1 repeated grubs join, 3 house_greyjoy leaves.
    assert.deepEqual(truth.statusCodes, { 200: 23, 409: 9 });
    assert.deepEqual(truth.tables, { events: 32, sword_purchases: 5, purchases: 7, guilds: 15, dead_letters: 0 });
    // sabre 2x6 + katana 10 + estoc 2x7 + mirror_shield 42 + leather_shield 5
    assert.deepEqual(truth.spend, { total: 83, purchases: 7 });
    assert.deepEqual(truth.items.estoc, { kind: "sword", cost: 7, purchases: 2, spend: 14 });
    assert.deepEqual(truth.guilds.grubs, { members: 2, players: ["anand.comcast.com", "dre.comcast.com"] });
    assert.deepEqual(truth.guilds.secret_club, { members: 2, players: ["anand.comcast.com", "dre.comcast.com"] });
    assert.deepEqual(truth.guilds.house_stark, { members: 0, players: [] });
    assert.equal(truth.totalGuildMembers, 4);
    assert.deepEqual(truth.players["user1.comcast.com"], {
      host: "user1.comcast.com", requests: 23, purchases: 3, spend: 54, items: { sabre: 2, mirror_shield: 1 }, guilds: [],
    });
    assert.deepEqual(truth.events.byType.join_guild, { ok: 5, rejected: 4 });
    assert.deepEqual(truth.events.byType.leave_guild, { ok: 1, rejected: 5 });
  });

  it("expects a second reference pass to refuse the joins the first one made", () => {
    const twoPasses = planRequests({ scenario: "reference", catalog: cat }, 64);
    const second = twoPasses.slice(32);
    const anandGrubs = second.filter((r) => r.player === "anand.comcast.com" && r.name === "grubs");
    assert.deepEqual(anandGrubs.map((r) => r.expected.status), [409, 409]);
    assert.equal(computeTruth(twoPasses, cat).truth.statusCodes[409], 9 + 13);
  });

  it("counts unknown items as rejected events outside the purchase tables, and bad names as no event", () => {
    const { truth } = computeTruth(
      [sent("p", "purchase_a_sword", "sabre"), sent("p", "purchase_a_sword", "sabree", "unknown_item"), sent("p", "join_guild", "x".repeat(65), "bad_name")],
      cat,
    );
    assert.deepEqual(truth.statusCodes, { 200: 1, 404: 1, 400: 1 });
    assert.deepEqual(truth.tables, { events: 2, sword_purchases: 1, purchases: 1, guilds: 0, dead_letters: 0 });
    assert.deepEqual(truth.events.byReason, { unknown_item: 1 });
    assert.deepEqual(truth.players.p.items, { sabre: 1 });
    assert.equal(truth.byIntent.bad_name, 1);
  });

  it("plans each request with the intent the game's answer confirms (the generator's own player state against the game model)", () => {
    // The generator picks a repeat join from the guilds it believes a player holds, an unknown item
    // by mangling a name, and so on; the game model decides the answer independently of that.
    const plan = planRequests({ scenario: "players", catalog: cat, players: 200, seed: 3 }, 5000);
    const answer: Record<PlannedRequest["intent"], number> = { valid: 200, unknown_item: 404, bad_name: 400, repeat_join: 409, leave_not_member: 409 };
    const wrong = plan.filter((r) => r.expected.status !== answer[r.intent]);
    assert.deepEqual(wrong.slice(0, 5).map((r) => [r.seq, r.intent, r.path, r.expected.status]), [], `${wrong.length} requests planned with the wrong intent`);
    for (const intent of Object.keys(answer)) assert.ok(plan.some((r) => r.intent === intent), `no request planned as ${intent}`);
    assert.ok(plan.filter((r) => r.intent === "bad_name").every((r) => r.expected.event === null), "a bad name is answered before anything is logged");
  });
});
