import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEAD_LETTER_TABLE, TABLES, toWire } from "../../src/events";
import { routeRecord, rowFor } from "../../src/sink/route";
import type { LogRecord } from "../../src/transport";
import { badMessages, expectedTables, sampleEvent } from "./fixtures";

const record = (value: string | Buffer, offset = 7, timestamp = Date.UTC(2026, 10, 27, 23, 59)): LogRecord => ({
  topic: "events", partition: 2, offset, key: null, value: Buffer.isBuffer(value) ? value : Buffer.from(value), timestamp,
});
const opts = { maxMessageBytes: 4096, ingestedAt: Date.UTC(2026, 10, 28, 0, 0, 1) };

describe("routing and flattening", () => {
  it("sends each valid event to events and to exactly the typed tables that take it", () => {
    for (let i = 0; i < 300; i++) {
      const e = sampleEvent(i);
      const routed = routeRecord(record(toWire(e)), opts);
      assert.deepEqual(routed.tables.map((t) => t.name), expectedTables(e), `event ${i} (${e.event_type}, ${e.outcome})`);
    }
  });

  it("flattens an event into each table's contract columns, in order, with lineage and the raw text", () => {
    const e = sampleEvent(2); // a purchase_sword
    const raw = toWire(e);
    const routed = routeRecord(record(raw), opts);
    for (const table of routed.tables) {
      const row = rowFor(table, routed);
      assert.deepEqual(Object.keys(row), table.columns.map((c) => c.name));
      assert.equal(row.kafka_partition, 2);
      assert.equal(row.kafka_offset, 7);
      assert.equal(row.event_id, e.event_id);
      assert.equal(row.timestamp, e.timestamp);
      assert.equal(row.raw_event, raw);
      assert.equal(row.ingested_at, opts.ingestedAt);
      assert.equal(row.host, "user1.comcast.com");
    }
  });

  it("partitions valid events by the UTC date of the event timestamp", () => {
    const e = { ...sampleEvent(1), timestamp: Date.UTC(2026, 0, 31, 23, 59, 59, 999) };
    assert.equal(routeRecord(record(toWire(e)), opts).dt, "2026-01-31");
  });

  it("keeps NULL payload fields of a rejected purchase as NULL", () => {
    const e = { ...sampleEvent(2), outcome: "rejected" as const, status: 404, reason: "unknown_item", cost: null };
    const routed = routeRecord(record(toWire(e)), opts);
    assert.deepEqual(routed.tables.map((t) => t.name), ["events"]);
    assert.equal(rowFor(TABLES[0], routed).cost, null);
  });

  for (const bad of badMessages("t", 4096)) {
    it(`dead-letters a ${bad.reason} message with its raw bytes, reason and position`, () => {
      const value = Buffer.isBuffer(bad.value) ? bad.value : Buffer.from(bad.value);
      const routed = routeRecord(record(value, 99), opts);
      assert.deepEqual(routed.tables, [DEAD_LETTER_TABLE]);
      const row = rowFor(DEAD_LETTER_TABLE, routed);
      assert.deepEqual(Object.keys(row), DEAD_LETTER_TABLE.columns.map((c) => c.name));
      assert.equal(row.reason, bad.reason);
      assert.equal(typeof row.detail, "string");
      assert.equal(row.kafka_topic, "events");
      assert.equal(row.kafka_partition, 2);
      assert.equal(row.kafka_offset, 99);
      assert.equal(Buffer.from(row.raw_base64 as string, "base64").equals(value), true);
      assert.equal(row.raw_event, value.toString("utf8"));
      // Dead letters are partitioned by the date the log accepted them, which a replay reproduces.
      assert.equal(routed.dt, "2026-11-27");
    });
  }

  it("dead-letters an event whose timestamp cannot name a dt folder instead of crashing", () => {
    const wire = JSON.parse(toWire(sampleEvent(1))) as Record<string, unknown>;
    wire.timestamp = 1e20;
    const routed = routeRecord(record(JSON.stringify(wire)), opts);
    assert.deepEqual(routed.tables, [DEAD_LETTER_TABLE]);
    assert.equal(routed.row.reason, "wrong_type");
  });

  it("never throws, whatever the bytes", () => {
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(Array.from({ length: i % 64 }, (_, k) => (i * 31 + k * 17) % 256));
      assert.equal(routeRecord(record(bytes), opts).tables.length >= 1, true);
    }
  });
});
