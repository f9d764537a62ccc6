/**
 * The independent check used by the sink's end-to-end and crash tests, read with DuckDB over the
 * files: every table holds exactly the expected events, and each event once, counted two ways:
 * - by event_id: no id appears twice in a table (an event logged twice would show here);
 * - by log position: no (partition, offset) appears twice in a table, and `events` plus
 *   `dead_letters` hold every offset of the log exactly once, with no gap (a record landed twice by
 *   a replay, or skipped by a wrong resume position, would show here).
 * Duplicates are counted with GROUP BY, never hidden by collecting rows into a set.
 */
import assert from "node:assert/strict";
import type { Config } from "../../src/config";
import type { GameEvent } from "../../src/events";
import { expectedTables } from "./fixtures";
import { readTable } from "./helpers";

/** Reads one table's rows; the default reads the local warehouse of `config`. */
export type TableReader = (table: string, columns: string) => Promise<Record<string, unknown>[]>;

export async function assertExactlyOnce(config: Config, valid: readonly GameEvent[], bad: number, read: TableReader = (t, c) => readTable(config, t, c)): Promise<void> {
  const expected = new Map<string, string[]>();
  for (const t of ["events", "sword_purchases", "purchases", "guilds"]) expected.set(t, []);
  for (const e of valid) for (const t of expectedTables(e)) expected.get(t)!.push(e.event_id);
  for (const [table, ids] of expected) {
    const rows = await read(table, "event_id, kafka_partition, kafka_offset");
    assert.deepEqual(repeated(rows, (r) => String(r.event_id)), [], `${table}: event_ids landed more than once`);
    assert.deepEqual(repeated(rows, position), [], `${table}: log positions landed more than once`);
    const got = rows.map((r) => String(r.event_id)).sort();
    const want = [...ids].sort();
    if (got.length !== want.length || got.some((id, i) => id !== want[i])) {
      const have = new Set(got);
      const wanted = new Set(want);
      const missing = want.filter((id) => !have.has(id));
      const unexpected = got.filter((id) => !wanted.has(id));
      assert.fail(`${table}: ${got.length} rows, expected ${want.length}; missing ${missing.length} (${missing.slice(0, 3).join(", ")}), unexpected ${unexpected.length} (${unexpected.slice(0, 3).join(", ")})`);
    }
  }
  const dead = await read("dead_letters", "kafka_partition, kafka_offset");
  assert.deepEqual(repeated(dead, position), [], "dead_letters: log positions landed more than once");
  assert.equal(dead.length, bad, `dead_letters: ${dead.length} rows, expected ${bad}`);
  // Every record of the log lands in `events` or in `dead_letters`: together they hold each offset once.
  const landed = [...(await read("events", "kafka_partition, kafka_offset")), ...dead];
  assert.deepEqual(repeated(landed, position), [], "events + dead_letters: a log position landed in both");
  assert.equal(landed.length, valid.length + bad, `events + dead_letters: ${landed.length} rows for ${valid.length + bad} logged records`);
  const byPartition = new Map<number, number[]>();
  for (const r of landed) {
    const p = Number(r.kafka_partition);
    const offsets = byPartition.get(p) ?? [];
    offsets.push(Number(r.kafka_offset));
    byPartition.set(p, offsets);
  }
  for (const [p, offsets] of byPartition) {
    offsets.sort((a, b) => a - b);
    const gap = offsets.findIndex((o, i) => o !== i);
    assert.equal(gap, -1, `partition ${p}: offset ${gap} of the log is missing from events + dead_letters (found ${offsets[gap]})`);
  }
}

function position(row: Record<string, unknown>): string {
  return `${String(row.kafka_partition)}/${String(row.kafka_offset)}`;
}

/** The keys that occur more than once, with their count (first ten). */
function repeated(rows: readonly Record<string, unknown>[], key: (row: Record<string, unknown>) => string): string[] {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).slice(0, 10).map(([k, n]) => `${k} x${n}`);
}
