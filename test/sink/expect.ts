/**
 * The independent check used by the sink's end-to-end and crash tests: every table holds exactly
 * the expected events, each once (counts, event_id uniqueness, per-table sets), read with DuckDB.
 */
import assert from "node:assert/strict";
import type { Config } from "../../src/config";
import type { GameEvent } from "../../src/events";
import { expectedTables } from "./fixtures";
import { readTable } from "./helpers";

export async function assertExactlyOnce(config: Config, valid: readonly GameEvent[], bad: number): Promise<void> {
  const expected = new Map<string, Set<string>>();
  for (const t of ["events", "sword_purchases", "purchases", "guilds"]) expected.set(t, new Set());
  for (const e of valid) for (const t of expectedTables(e)) expected.get(t)!.add(e.event_id);
  for (const [table, ids] of expected) {
    const rows = await readTable(config, table, "event_id");
    const got = rows.map((r) => String(r.event_id));
    assert.equal(new Set(got).size, got.length, `${table}: duplicate event_id`);
    assert.equal(got.length, ids.size, `${table}: ${got.length} rows, expected ${ids.size}`);
    assert.deepEqual(new Set(got), ids, `${table}: wrong set of events`);
  }
  const dead = await readTable(config, "dead_letters", "kafka_partition || '/' || kafka_offset AS pos");
  const offsets = dead.map((r) => String(r.pos));
  assert.equal(new Set(offsets).size, offsets.length, "dead_letters: duplicate offsets");
  assert.equal(offsets.length, bad, `dead_letters: ${offsets.length} rows, expected ${bad}`);
}
