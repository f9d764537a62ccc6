import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { mergeTruth, readRunRecord, writeRunRecord, type TruthFacts } from "../../src/pipeline";

const truth = (player: string, guild: string, spend: number): TruthFacts => ({
  tables: { events: 2, purchases: 1, guilds: 1 },
  items: { sabre: { purchases: 1, spend } },
  players: { [player]: { purchases: 1, spend, host: `${player}.example.com` } },
  guilds: { [guild]: { members: 1 } },
  events: { total: 2, byType: { purchase_sword: { ok: 1, rejected: 0 }, join_guild: { ok: 1, rejected: 0 } } },
});

test("the truth of two loads adds up per table, item, player, guild and event type", () => {
  const merged = mergeTruth(truth("a", "grubs", 6), truth("b", "grubs", 10));
  assert.deepEqual(merged.tables, { events: 4, purchases: 2, guilds: 2 });
  assert.deepEqual(merged.items, { sabre: { purchases: 2, spend: 16 } });
  assert.deepEqual(Object.keys(merged.players).sort(), ["a", "b"]);
  assert.deepEqual(merged.guilds, { grubs: { members: 2 } });
  assert.deepEqual(merged.events, { total: 4, byType: { purchase_sword: { ok: 2, rejected: 0 }, join_guild: { ok: 2, rejected: 0 } } });
});

test("a run record survives the trip through DATA_DIR, and a missing one says which notebook writes it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-record-"));
  try {
    assert.throws(() => readRunRecord(dir), /run notebooks\/01-pipeline.ipynb first/);
    const record = { stack: "embedded" as const, transport: "embedded", storage: "local", query: "duckdb", startedAt: "a", finishedAt: "b", loads: [], truth: truth("a", "g", 1) };
    writeRunRecord(dir, record);
    assert.deepEqual(readRunRecord(dir), record);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
