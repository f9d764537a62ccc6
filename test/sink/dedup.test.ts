import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { buildEvent, toWire, type GameEvent } from "../../src/events";
import { silentLogger } from "../../src/logger";
import { runSink } from "../../src/sink";
import { compact } from "../../src/sink/compaction";
import { BatchKeys, idempotencyKeyOf } from "../../src/sink/dedup";
import { routeRecord } from "../../src/sink/route";
import { createStorage } from "../../src/storage";
import { EmbeddedLog } from "../../src/transport";
import { readTable, tempDataDir, testConfig } from "./helpers";

type Config = ReturnType<typeof testConfig>;

/** A completed sword purchase of `player` sent with `key`; `id` tells the copies apart. */
function purchase(id: string, player: string, key: string | undefined, at = Date.UTC(2026, 10, 26, 20, 0, 0)): GameEvent {
  return buildEvent({
    event_id: id,
    event_type: "purchase_sword",
    timestamp: at,
    player_id: player,
    headers: { host: player },
    outcome: "ok",
    status: 200,
    idempotencyKey: key,
    payload: { type: "katana", cost: 10 },
  });
}

async function append(config: Config, events: readonly GameEvent[], raw = false): Promise<void> {
  const log = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  await log.ensureTopic(config.transport.topic, { partitions: 1 });
  const producer = await log.producer();
  // raw: the same fields in another key order, so routing takes the JSON.parse path.
  const value = (e: GameEvent) => (raw ? JSON.stringify(JSON.parse(toWire(e)), Object.keys(JSON.parse(toWire(e)) as object).reverse()) : toWire(e));
  await producer.send(config.transport.topic, events.map((e) => ({ key: e.player_id, value: value(e) })));
  await log.close();
}

async function sink(config: Config) {
  const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  try {
    return await runSink({ config, transport, storage: createStorage(config.storage), engine: null, logger: silentLogger, mode: "batch" });
  } finally {
    await transport.close();
  }
}

/** event_ids per key in each event table (keyed rows only). */
async function idsByKey(config: Config): Promise<Record<string, Record<string, string[]>>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const table of ["events", "sword_purchases", "purchases"]) {
    const rows = await readTable(config, table, "idempotency_key, event_id");
    const byKey: Record<string, string[]> = {};
    for (const r of rows) if (r.idempotency_key !== null) (byKey[r.idempotency_key as string] ??= []).push(r.event_id as string);
    for (const ids of Object.values(byKey)) ids.sort();
    out[table] = byKey;
  }
  return out;
}

const ONE_EACH = { "k-1": ["first"], "k-2": ["other"] };
const everyTable = (byKey: Record<string, string[]>) => ({ events: byKey, sword_purchases: byKey, purchases: byKey });

describe("one event per idempotency key in the tables", () => {
  it("reads the key from a canonical event and from a parsed one alike", () => {
    const record = (value: string) => ({ topic: "t", partition: 0, offset: 0, key: "p", value: Buffer.from(value), timestamp: 0 });
    const event = purchase("a", "p", "k-9");
    const canonical = routeRecord(record(toWire(event)), { maxMessageBytes: 4096, ingestedAt: 0 });
    const parsed = routeRecord(record(toWire(event)), { maxMessageBytes: 4096, ingestedAt: 0, fastPath: false });
    assert.equal(canonical.canonical, true);
    assert.equal(idempotencyKeyOf(canonical), "k-9");
    assert.equal(idempotencyKeyOf(parsed), "k-9");
    assert.equal(idempotencyKeyOf(routeRecord(record(toWire(purchase("b", "p", undefined))), { maxMessageBytes: 4096, ingestedAt: 0 })), null);
    const keys = new BatchKeys();
    assert.deepEqual([keys.admit(0, canonical), keys.admit(0, parsed), keys.admit(1, parsed)], [true, false, true]);
  });

  it("drops a retried copy staged in the same batch, whichever path routed it", async () => {
    const config = testConfig(tempDataDir());
    await append(config, [purchase("first", "p1", "k-1"), purchase("other", "p2", "k-2"), purchase("unkeyed", "p1", undefined)]);
    await append(config, [purchase("retry", "p1", "k-1")], true);
    const summary = await sink(config);
    assert.deepEqual(await idsByKey(config), everyTable(ONE_EACH));
    assert.equal((await readTable(config, "events")).length, 3, JSON.stringify(summary));
  });

  it("keeps the first copy once compaction merged the batches the copies landed in", async () => {
    const config = testConfig(tempDataDir(), { SINK_ROLL_ROWS: "2" });
    await append(config, [purchase("first", "p1", "k-1"), purchase("other", "p2", "k-2")]);
    await append(config, [purchase("x1", "p3", undefined), purchase("retry", "p1", "k-1")]);
    await append(config, [purchase("x2", "p3", undefined), purchase("x3", "p3", undefined)]); // the latest batch, never compacted
    await sink(config);
    assert.deepEqual((await idsByKey(config)).events["k-1"], ["first", "retry"], "copies in different batches land until compaction");
    await compact({ config, storage: createStorage(config.storage), logger: silentLogger });
    assert.deepEqual(await idsByKey(config), everyTable(ONE_EACH));
    assert.equal((await readTable(config, "events")).length, 5);
  });

  it("drops the same copy when it completes a batch a crash left half-committed", async () => {
    const config = testConfig(tempDataDir());
    await append(config, [purchase("first", "p1", "k-1"), purchase("other", "p2", "k-2"), purchase("retry", "p1", "k-1")]);
    await sink(config);
    for (const t of ["purchases", "sword_purchases"]) fs.rmSync(path.join(config.storage.warehouse, t), { recursive: true });
    const rerun = await sink(config);
    assert.equal(rerun.repairedOnStart, 2);
    assert.deepEqual(await idsByKey(config), everyTable(ONE_EACH));
  });
});
