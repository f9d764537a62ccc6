/**
 * End to end with retries: the simulator against the API on a log that is sometimes slower than
 * the API's deadline, so some requests get a 503 although their event lands. The simulator retries
 * them with their Idempotency-Key; the API answers each retry with the original answer. Then, as a
 * replica that crashed before recording a key would, copies of some keyed events are appended to
 * the log. After the sink, every table holds one row per key and matches the ground truth.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { startApiOn } from "../../src/api";
import { parseEvent, toWire } from "../../src/events";
import { silentLogger } from "../../src/logger";
import { runLoad } from "../../src/load";
import { runSink } from "../../src/sink";
import { createStorage } from "../../src/storage";
import { EmbeddedLog, type LogProducer, type OutgoingMessage } from "../../src/transport";
import { prng } from "../helpers/prng";
import { readTable } from "../sink/helpers";
import { catalog, readBack, tempDir, testConfig } from "./helpers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("idempotent retries end to end", () => {
  it("lands one row per key in every table, matching the ground truth, when 503s that landed are retried", async () => {
    const base = testConfig(tempDir());
    const config = { ...base, api: { ...base.api, publish: { ...base.api.publish, timeoutMs: 120 } }, sink: { ...base.sink, rollMaxRows: 1_000_000 } };
    const log = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
    await log.ensureTopic(config.transport.topic, { partitions: 2 });
    // Every 4th write acknowledges late: after the API's deadline, but it is in the log.
    const rand = prng(16);
    const producer = log.producer.bind(log);
    log.producer = async () => {
      const inner: LogProducer = await producer();
      return {
        send: async (topic: string, messages: readonly OutgoingMessage[]) => {
          await inner.send(topic, messages);
          if (rand() < 0.25) await sleep(250);
        },
        close: () => inner.close(),
      };
    };
    const api = await startApiOn({ api: config.api, topic: config.transport.topic, transport: log, logger: silentLogger });
    let result;
    try {
      // A late event holds its player's and guild's locks past the API's deadline, so a retry may
      // get 503 busy a few times in a row before the original answer: retries are paced by the wait.
      result = await runLoad({ url: api.url, catalog: catalog(config), scenario: "players", players: 60, requests: 800, seed: 5, connections: 8, invalidShare: 0.1, maxRetries: 20 });
    } finally {
      await api.close();
    }
    assert.ok(result.summary.requests.retried > 20, `${result.summary.requests.retried} retries`);
    assert.deepEqual([result.summary.requests.unanswered, result.summary.mismatches], [0, 0], JSON.stringify(result.summary.mismatchExamples));
    assert.equal(result.truth.run.exact, true);

    // The API logged one event per request: a retry was answered from its original.
    const logged = (await readBack(config)).events;
    assert.equal(logged.length, result.truth.events.total);
    const keys = logged.map((e) => e.idempotency_key);
    assert.equal(new Set(keys).size, keys.length);

    // A crashed replica's retries: copies of some keyed events, with new event ids.
    const copies = logged.filter((_, i) => i % 25 === 0).map((e) => ({ ...e, event_id: randomUUID() }));
    const writer = await log.producer();
    await writer.send(config.transport.topic, copies.map((e) => ({ key: e.player_id, value: toWire(e) })));
    await runSink({ config, transport: log, storage: createStorage(config.storage), engine: null, logger: silentLogger, mode: "batch" });
    await log.close();

    for (const table of ["events", "sword_purchases", "purchases", "guilds"] as const) {
      const rows = await readTable(config, table, "idempotency_key, event_id, raw_event");
      const perKey = new Map<string, number>();
      for (const r of rows) perKey.set(r.idempotency_key as string, (perKey.get(r.idempotency_key as string) ?? 0) + 1);
      assert.deepEqual([...perKey.values()].filter((n) => n > 1), [], `${table}: one row per key`);
      assert.equal(rows.length, result.truth.tables[table], `${table} rows`);
      const copyIds = new Set<string>(copies.map((c) => c.event_id));
      assert.ok(rows.every((r) => !copyIds.has(r.event_id as string) && parseEvent(r.raw_event as string).ok), `${table} keeps the originals`);
    }
  });
});
