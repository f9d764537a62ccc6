import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildEvent, parseEvent, TABLES, tableByName, toWire, type GameEvent, type NewEvent } from "../../src/events";

const base: NewEvent = {
  event_id: "e-1",
  event_type: "purchase_sword",
  timestamp: Date.UTC(2026, 10, 27, 12, 0, 0, 123),
  player_id: "user1.comcast.com",
  headers: { host: "user1.comcast.com", userAgent: "ApacheBench/2.3", accept: "*/*" },
  outcome: "ok",
  status: 200,
  payload: { type: "sabre", cost: 6 },
};
const sword = (): GameEvent => buildEvent(base);

describe("event contract", () => {
  it("writes the headers under the reference's JSON keys", () => {
    const wire = JSON.parse(toWire(sword())) as Record<string, unknown>;
    assert.equal(wire.Host, "user1.comcast.com");
    assert.equal(wire["User-Agent"], "ApacheBench/2.3");
    assert.equal(wire.Accept, "*/*");
    assert.equal(wire.timestamp, "2026-11-27T12:00:00.123Z");
    assert.equal(wire.schema_version, 2);
  });

  it("writes the contract's fields in contract order, escaped as JSON", () => {
    const guild = buildEvent({
      ...base,
      event_type: "join_guild",
      headers: { host: "h", userAgent: 'ua "quoted" \\ \u2028' },
      payload: { guild_name: "house_stark", guild_member_cnt: 1, tot_guild_member_cnt: 2 },
    });
    assert.equal(
      toWire(guild),
      '{"event_id":"e-1","event_type":"join_guild","schema_version":2,"timestamp":"2026-11-27T12:00:00.123Z",' +
        '"player_id":"user1.comcast.com","Host":"h","User-Agent":"ua \\"quoted\\" \\\\ \u2028","Accept":null,"outcome":"ok",' +
        '"status":200,"reason":null,"idempotency_key":null,"guild_name":"house_stark","guild_member_cnt":1,"tot_guild_member_cnt":2}',
    );
    assert.deepEqual(Object.keys(JSON.parse(toWire(buildEvent({ ...base, event_type: "default" }))) as object), [
      "event_id", "event_type", "schema_version", "timestamp", "player_id", "Host", "User-Agent", "Accept", "outcome", "status", "reason", "idempotency_key",
    ]);
  });

  it("parses what it writes back into the same event", () => {
    const event = sword();
    const parsed = parseEvent(toWire(event));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.event, event);
  });

  it("carries the request's idempotency key, and reads a version-1 event without one as NULL", () => {
    const keyed = buildEvent({ ...base, idempotencyKey: "k-1" });
    assert.equal((JSON.parse(toWire(keyed)) as Record<string, unknown>).idempotency_key, "k-1");
    const parsed = parseEvent(toWire(keyed));
    assert.ok(parsed.ok);
    assert.equal(parsed.event.idempotency_key, "k-1");
    const v1 = JSON.parse(toWire(sword())) as Record<string, unknown>;
    delete v1.idempotency_key;
    v1.schema_version = 1;
    const old = parseEvent(JSON.stringify(v1));
    assert.ok(old.ok);
    assert.equal(old.event.idempotency_key, null);
  });

  it("drops payload fields that the event type does not define", () => {
    const event = buildEvent({ ...base, event_type: "default" });
    assert.equal("type" in event, false);
    assert.equal("cost" in event, false);
  });

  const bad: [string, string | Buffer, string][] = [
    ["not JSON", "{oops", "not_json"],
    ["an array", "[1,2]", "not_an_object"],
    ["an unknown event type", JSON.stringify({ ...JSON.parse(toWire(sword())), event_type: "buy_horse" }), "unknown_event_type"],
    ["a missing required field", JSON.stringify({ ...JSON.parse(toWire(sword())), event_id: undefined }), "missing_field"],
    ["a string where cost is int64", JSON.stringify({ ...JSON.parse(toWire(sword())), cost: "6" }), "wrong_type"],
    ["an unparsable timestamp", JSON.stringify({ ...JSON.parse(toWire(sword())), timestamp: "yesterday" }), "wrong_type"],
    ["an unknown outcome", JSON.stringify({ ...JSON.parse(toWire(sword())), outcome: "maybe" }), "wrong_type"],
  ];
  for (const [what, raw, reason] of bad) {
    it(`dead-letters ${what} as ${reason}`, () => {
      const result = parseEvent(raw);
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.reason, reason);
    });
  }

  it("dead-letters a message over the size limit without parsing it", () => {
    const result = parseEvent("x".repeat(2000), 1000);
    assert.deepEqual(result.ok ? null : result.reason, "oversized");
  });

  it("derives each table's columns from the contract, with lineage first and no partition column", () => {
    const purchases = tableByName("purchases")!;
    const names = purchases.columns.map((c) => c.name);
    assert.deepEqual(names.slice(0, 2), ["kafka_partition", "kafka_offset"]);
    for (const c of ["event_id", "host", "type", "cost", "raw_event", "timestamp"]) assert.ok(names.includes(c), c);
    assert.equal(names.includes("guild_name"), false);
    assert.equal(names.includes("dt"), false);
    assert.equal(purchases.columns.find((c) => c.name === "cost")!.type, "int64");
  });

  it("routes completed purchases to purchases and sword_purchases, and all guild actions to guilds", () => {
    const accepting = (e: GameEvent) => TABLES.filter((t) => t.accepts(e)).map((t) => t.name);
    assert.deepEqual(accepting(sword()), ["events", "sword_purchases", "purchases"]);
    assert.deepEqual(accepting({ ...sword(), outcome: "rejected", status: 404, cost: null }), ["events"]);
    const leave = buildEvent({ ...base, event_type: "leave_guild", outcome: "rejected", status: 409, payload: { guild_name: "grubs" } });
    assert.deepEqual(accepting(leave), ["events", "guilds"]);
  });
});
