import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startApi, type ApiServer } from "../../src/api";
import type { Config } from "../../src/config";
import { silentLogger } from "../../src/logger";
import { readLog, readRecords, request, tempDataDir, testConfig } from "./helpers";

describe("game API on the embedded log", () => {
  let config: Config;
  let api: ApiServer;
  before(async () => {
    config = testConfig(tempDataDir());
    api = await startApi(config, silentLogger);
  });
  after(() => api.close());

  const get = (target: string, headers: Record<string, string> = {}) => request(api.url, target, { headers });
  const logged = (eventId: string | undefined) => readLog(config).find((e) => e.event_id === eventId);

  it("answers GET / with the default response and logs a default event with the reference's headers", async () => {
    const reply = await get("/", { "user-agent": "ApacheBench/2.3", accept: "*/*" });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.message, "This is the default response!");
    const event = logged(reply.body.event_id);
    assert.equal(event?.event_type, "default");
    assert.equal(event?.host, "user1.comcast.com");
    assert.equal(event?.user_agent, "ApacheBench/2.3");
    assert.equal(event?.accept, "*/*");
    assert.equal(event?.player_id, "user1.comcast.com");
    assert.equal(event?.outcome, "ok");
  });

  it("sells a catalogue sword at its catalogue cost", async () => {
    const reply = await get("/purchase_a_sword/sabre");
    assert.deepEqual([reply.status, reply.body.message], [200, "Sword Purchased! sabre"]);
    const event = logged(reply.body.event_id);
    assert.deepEqual([event?.event_type, event?.type, event?.cost, event?.status], ["purchase_sword", "sabre", 6, 200]);
  });

  it("sells a catalogue shield at its catalogue cost", async () => {
    const reply = await get("/purchase_a_shield/mirror_shield");
    assert.deepEqual([reply.status, reply.body.message], [200, "Shield Purchased! mirror_shield"]);
    assert.equal(logged(reply.body.event_id)?.cost, 42);
  });

  it("answers 404 for an unknown item and logs it as rejected with no cost", async () => {
    for (const target of ["/purchase_a_sword/butter_knife", "/purchase_a_shield/sabre"]) {
      const reply = await get(target);
      assert.equal(reply.status, 404);
      assert.equal(reply.body.error, "unknown_item");
      const event = logged(reply.body.event_id);
      assert.deepEqual([event?.outcome, event?.status, event?.reason, event?.cost], ["rejected", 404, "unknown_item", null]);
    }
  });

  it("joins and leaves guilds per player, answering 409 for a repeated join or a leave of a guild not joined", async () => {
    const h = { "x-player-id": "guild-tester" };
    const join = await get("/join_guild/joestars", h);
    assert.equal(join.status, 200);
    const joined = logged(join.body.event_id)!;
    assert.equal(joined.guild_member_cnt, 1);
    const total = joined.tot_guild_member_cnt!;

    const again = await get("/join_guild/joestars", h);
    assert.equal(again.status, 409);
    assert.equal(again.body.error, "already_member");
    const refused = logged(again.body.event_id)!;
    assert.deepEqual([refused.outcome, refused.status, refused.reason, refused.guild_member_cnt, refused.tot_guild_member_cnt], ["rejected", 409, "already_member", null, total]);

    const leave = await get("/leave_guild/joestars", h);
    assert.equal(leave.status, 200);
    assert.deepEqual([logged(leave.body.event_id)?.guild_member_cnt, logged(leave.body.event_id)?.tot_guild_member_cnt], [0, total - 1]);

    const leaveAgain = await get("/leave_guild/joestars", h);
    assert.equal(leaveAgain.status, 409);
    assert.equal(logged(leaveAgain.body.event_id)?.reason, "not_member");
    assert.equal((await get("/leave_guild/house_greyjoy", h)).status, 409);
  });

  it("creates a guild that is not in the catalogue on first join, as the reference does", async () => {
    const reply = await get("/join_guild/secret_club", { "x-player-id": "dre" });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.message, "Joined Guild: secret_club! Total members:1");
  });

  it("identifies players by X-Player-Id when given, else by Host", async () => {
    assert.equal((await get("/join_guild/grubs", { host: "shared.example" })).status, 200);
    assert.equal((await get("/join_guild/grubs", { host: "shared.example" })).status, 409);
    const other = await get("/join_guild/grubs", { host: "shared.example", "x-player-id": "someone-else" });
    assert.equal(other.status, 200);
    assert.equal(logged(other.body.event_id)?.player_id, "someone-else");
    assert.equal(logged(other.body.event_id)?.host, "shared.example");
  });

  it("gives exactly one 200 among concurrent joins of the same guild by the same player", async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => get("/join_guild/ucbears", { "x-player-id": "racer" })));
    assert.equal(replies.filter((r) => r.status === 200).length, 1);
    assert.equal(replies.filter((r) => r.status === 409).length, 19);
    const events = readLog(config).filter((e) => e.player_id === "racer");
    assert.equal(events.length, 20);
    assert.equal(events.filter((e) => e.outcome === "ok").length, 1);
  });

  it("answers 400 with a JSON error and logs nothing for empty, too long or unsafe names", async () => {
    const before = readLog(config).length;
    for (const target of ["/purchase_a_sword/", "/purchase_a_shield", "/join_guild/" + "x".repeat(65), "/join_guild/a%20b", "/leave_guild/%3Cscript%3E", "/purchase_a_sword/a%2Fb", "/purchase_a_sword/%E0%A4%A"]) {
      const reply = await get(target);
      assert.equal(reply.status, 400, target);
      assert.equal(reply.body.ok, false);
      assert.equal(typeof reply.body.message, "string");
      assert.equal(reply.body.event_id, undefined);
    }
    assert.equal((await get("/", { "x-player-id": "no spaces please" })).status, 400);
    assert.equal(readLog(config).length, before);
  });

  it("answers unknown routes and other methods with a JSON 404 and logs nothing", async () => {
    const before = readLog(config).length;
    const reply = await get("/buy_a_dragon/red");
    assert.deepEqual([reply.status, reply.body.error], [404, "unknown_route"]);
    assert.equal((await request(api.url, "/join_guild/grubs", { method: "DELETE" })).status, 404);
    assert.equal(readLog(config).length, before);
  });

  it("refuses oversized requests: long URL 414, big headers 431, any body 413, logging nothing", async () => {
    const before = readLog(config).length;
    assert.equal((await get("/purchase_a_sword/" + "a".repeat(2000))).status, 414);
    const bigHeaders = await get("/", { "x-filler": "a".repeat(20_000) });
    assert.deepEqual([bigHeaders.status, bigHeaders.body.error], [431, "headers_too_large"]);
    const withBody = await request(api.url, "/", { method: "POST", body: "x=1" });
    assert.deepEqual([withBody.status, withBody.body.error], [413, "body_not_allowed"]);
    assert.equal((await request(api.url, "/", { headers: { "transfer-encoding": "chunked" }, body: "abc" })).status, 413);
    assert.equal(readLog(config).length, before);
    assert.equal((await get("/")).status, 200, "still serving");
  });

  it("answers a malformed HTTP request with a JSON 400 and keeps serving", async () => {
    const net = await import("node:net");
    const url = new URL(api.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => socket.write("GARBAGE\r\n\r\n"));
      let text = "";
      socket.on("data", (c: Buffer) => (text += c.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400/);
    assert.match(raw, /"error":"bad_request"/);
    assert.equal((await get("/healthz")).status, 200);
  });

  it("answers /healthz without logging an event", async () => {
    const before = readLog(config).length;
    const reply = await get("/healthz");
    assert.deepEqual([reply.status, reply.body.ok], [200, true]);
    assert.equal(readLog(config).length, before);
  });

  it("logs exactly one event per well-formed request, keyed by player", async () => {
    const before = readLog(config).length;
    const targets = ["/", "/purchase_a_sword/katana", "/purchase_a_sword/nope", "/join_guild/winden_caves", "/join_guild/winden_caves"];
    const replies = await Promise.all(targets.map((t) => get(t, { "x-player-id": "counter" })));
    const after = readLog(config);
    assert.equal(after.length, before + targets.length);
    assert.deepEqual(new Set(after.slice(before).map((e) => e.event_id)), new Set(replies.map((r) => r.body.event_id)));
    const keys = readRecords(config).slice(before).map((r) => r.key);
    assert.deepEqual(keys, targets.map(() => "counter"));
  });
});
