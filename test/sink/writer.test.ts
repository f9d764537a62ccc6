import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { TABLES, toWire } from "../../src/events";
import { DuckdbParquetWriter } from "../../src/sink/parquet/duckdb-writer";
import { routeRecord, rowFor } from "../../src/sink/route";
import type { LogRecord } from "../../src/transport";
import { badMessages, sampleEvent } from "./fixtures";
import { duck, tempDataDir, writerOptions } from "./helpers";

const record = (value: string | Buffer, offset: number): LogRecord => ({
  topic: "events", partition: 0, offset, key: null, value: Buffer.isBuffer(value) ? value : Buffer.from(value), timestamp: Date.UTC(2026, 10, 27),
});

/** Wire messages whose strings stress the staging format: separators, escapes, lone surrogates, empty strings, NULLs. */
function trickyMessages(): string[] {
  const base = JSON.parse(toWire(sampleEvent(2))) as Record<string, unknown>; // a purchase_sword
  const variants = [
    { "User-Agent": "tab\tUS\u001fRS\u001eend" },
    { "User-Agent": "lone \ud800 surrogate", Host: "pair 😀 ok" },
    { "User-Agent": "back\\slash \"quoted\"", Accept: "" },
    { Host: null, "User-Agent": "é ü 中文", reason: "x".repeat(300) },
    { type: "\u001e" },
  ];
  return [...variants.map((v) => JSON.stringify({ ...base, ...v })), toWire(sampleEvent(3)), toWire(sampleEvent(4))];
}

const wellFormed = (v: unknown) => (typeof v === "string" ? (v as unknown as { toWellFormed(): string }).toWellFormed() : v);

describe("DuckDB Parquet writer", () => {
  it("lands each table's rows exactly as routed, whatever characters the strings hold", async () => {
    const dir = tempDataDir("writer-");
    const writer = await DuckdbParquetWriter.open(TABLES, writerOptions(path.join(dir, "tmp")));
    try {
      const messages: (string | Buffer)[] = [...trickyMessages(), ...badMessages("w", 4096).map((m) => m.value)];
      const routed = messages.map((m, i) => routeRecord(record(m, i), { maxMessageBytes: 4096, ingestedAt: 1_764_000_000_123 }));
      assert.equal(routed.filter((r) => r.valuesFromRaw).length, trickyMessages().length, "the tricky messages are valid events");
      for (const r of routed) writer.add(r);
      const files = await writer.write(writer.seal(), path.join(dir, "out"), () => "f.parquet");
      for (const table of TABLES) {
        const expected = routed.filter((r) => r.tables.includes(table)).map((r) => rowFor(table, r));
        const file = files.find((f) => f.table === table);
        if (expected.length === 0) {
          assert.equal(file, undefined);
          continue;
        }
        const columns = table.columns.map((c) => (c.type === "timestamp" ? `epoch_ms("${c.name}") AS "${c.name}"` : `"${c.name}"`)).join(", ");
        const got = await duck(`SELECT ${columns} FROM read_parquet('${file!.localPath}') ORDER BY kafka_offset`);
        const want = expected.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, wellFormed(v)])));
        assert.deepEqual(got.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "string" && /^-?\d+$/.test(v) && table.columns.find((c) => c.name === k)?.type !== "string" ? Number(v) : v]))), want, table.name);
      }
    } finally {
      await writer.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes two sealed batches at once, each file with its own batch's rows, and refuses a third seal", async () => {
    const dir = tempDataDir("writer-");
    const writer = await DuckdbParquetWriter.open(TABLES, writerOptions(path.join(dir, "tmp")));
    try {
      const route = (from: number, n: number) =>
        Array.from({ length: n }, (_, i) => routeRecord(record(toWire(sampleEvent(from + i)), from + i), { maxMessageBytes: 4096, ingestedAt: 1 }));
      for (const r of route(0, 300)) writer.add(r);
      const first = writer.seal();
      for (const r of route(300, 200)) writer.add(r);
      const second = writer.seal();
      writer.add(route(500, 1)[0]);
      assert.throws(() => writer.seal(), /still being written/);
      const [a, b] = await Promise.all([
        writer.write(first, path.join(dir, "a"), () => "f.parquet"),
        writer.write(second, path.join(dir, "b"), () => "f.parquet"),
      ]);
      const offsets = async (files: typeof a) => {
        const events = files.filter((f) => f.table.name === "events").map((f) => `'${f.localPath}'`).join(", ");
        return (await duck(`SELECT min(kafka_offset)::INTEGER AS lo, max(kafka_offset)::INTEGER AS hi, count(*)::INTEGER AS n FROM read_parquet([${events}])`))[0];
      };
      assert.deepEqual(await offsets(a), { lo: 0, hi: 299, n: 300 });
      assert.deepEqual(await offsets(b), { lo: 300, hi: 499, n: 200 });
      // Both stages are free again: the staged record seals into one of them.
      assert.equal(writer.seal().records, 1);
    } finally {
      await writer.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
