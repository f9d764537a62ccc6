import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { TABLES, toWire } from "../../src/events";
import { matchCanonical } from "../../src/sink/canonical";
import { DuckdbParquetWriter } from "../../src/sink/parquet/duckdb-writer";
import { routeRecord, rowFor, type RoutedRecord } from "../../src/sink/route";
import type { LogRecord } from "../../src/transport";
import { badMessages, expectedTables, sampleEvent } from "./fixtures";
import { duck, tempDataDir, writerOptions } from "./helpers";
import { wireVariants } from "./wire-variants";

const record = (value: string | Buffer, offset: number): LogRecord => ({
  topic: "events", partition: 1, offset, key: null, value: Buffer.isBuffer(value) ? value : Buffer.from(value), timestamp: Date.UTC(2026, 10, 27, 12),
});
const options = { maxMessageBytes: 4096, ingestedAt: Date.UTC(2026, 10, 28, 1, 2, 3, 4) };

/** Every table's rows as an independent reader sees them, timestamps as epoch ms. */
async function landed(routed: RoutedRecord[], dir: string): Promise<Record<string, unknown[]>> {
  const writer = await DuckdbParquetWriter.open(TABLES, writerOptions(path.join(dir, "tmp")));
  try {
    for (const r of routed) writer.add(r);
    const files = await writer.write(writer.seal(), path.join(dir, "out"), () => "f.parquet");
    const out: Record<string, unknown[]> = {};
    for (const table of TABLES) {
      const columns = table.columns.map((c) => (c.type === "timestamp" ? `epoch_ms("${c.name}") AS "${c.name}"` : `"${c.name}"`)).join(", ");
      const globs = files.filter((f) => f.table === table).map((f) => `'${f.localPath}'`);
      out[table.name] = globs.length ? await duck(`SELECT ${columns} FROM read_parquet([${globs.join(", ")}]) ORDER BY kafka_offset`) : [];
    }
    return out;
  } finally {
    await writer.close();
  }
}

describe("fast path for canonical events", () => {
  it("recognises what toWire writes, with the type, outcome and timestamp parseEvent gives", () => {
    for (let i = 0; i < 500; i++) {
      const e = sampleEvent(i, 5, Date.UTC(1999, 11, 31) + i * 7_654_321);
      const got = matchCanonical(toWire(e));
      assert.deepEqual(got, { type: e.event_type, outcome: e.outcome, timestamp: e.timestamp }, `event ${i}`);
    }
  });

  it("leaves messages that are not canonical events to JSON.parse", () => {
    const wire = toWire(sampleEvent(2));
    for (const m of [...badMessages("c").map((b) => String(b.value)), wire.replace('"status":200', '"status":200.0'), wire.slice(0, -1) + ',"status":404}', wire.replace(',"reason":null', "")]) {
      assert.equal(matchCanonical(m), null, m.slice(0, 80));
    }
  });

  it("routes every sample event to the same tables and dt as the JSON.parse path", () => {
    for (let i = 0; i < 300; i++) {
      const e = sampleEvent(i, 9);
      const fast = routeRecord(record(toWire(e), i), options);
      const slow = routeRecord(record(toWire(e), i), { ...options, fastPath: false });
      assert.equal(fast.canonical, true);
      assert.deepEqual(fast.tables.map((t) => t.name), expectedTables(e));
      assert.deepEqual(fast.tables, slow.tables);
      assert.equal(fast.dt, slow.dt);
    }
  });

  it("lands exactly the rows of the JSON.parse path for canonical events and their edge-case variants", async () => {
    const messages = wireVariants();
    const fast = messages.map((m, i) => routeRecord(record(m, i), options));
    const slow = messages.map((m, i) => routeRecord(record(m, i), { ...options, fastPath: false }));
    const canonical = fast.filter((r) => r.canonical).length;
    // Both paths must be exercised: most variants are canonical events, many are not.
    assert.ok(canonical > messages.length / 4 && canonical < messages.length - 200, `${canonical} of ${messages.length} took the fast path`);
    for (let i = 0; i < messages.length; i++) {
      assert.deepEqual(fast[i].tables, slow[i].tables, `tables of message ${i}: ${String(messages[i]).slice(0, 120)}`);
      assert.equal(fast[i].dt, slow[i].dt, `dt of message ${i}`);
    }
    const dir = tempDataDir("fast-path-");
    try {
      const [a, b] = [await landed(fast, path.join(dir, "fast")), await landed(slow, path.join(dir, "slow"))];
      for (const table of TABLES) {
        assert.equal(a[table.name].length, b[table.name].length, `${table.name} row count`);
        for (let i = 0; i < a[table.name].length; i++) assert.deepEqual(a[table.name][i], b[table.name][i], `${table.name} row ${i}`);
      }
      assert.ok(a.events.length > 500 && a.dead_letters.length > 100, "variants reach both events and dead_letters");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives rowFor the same row for a canonical record as for the parsed one", () => {
    for (let i = 0; i < 30; i++) {
      const wire = toWire(sampleEvent(i, 4));
      const fast = routeRecord(record(wire, i), options);
      const slow = routeRecord(record(wire, i), { ...options, fastPath: false });
      assert.equal(fast.canonical, true);
      for (const table of fast.tables) assert.deepEqual(rowFor(table, fast), rowFor(table, slow), `${table.name} ${i}`);
    }
  });
});
