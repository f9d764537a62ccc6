/**
 * A retry whose first attempt died between its log write and its store write (on another replica,
 * or with its store): the first attempt's claim of the key is all the store has. The API must not
 * log a second event for the key: it answers 503 until a replay of the log has looked for the
 * first event, then the original answer (the event was logged) or a new one (it was not). The
 * sink sees one event per key even when the two attempts fall in different sink batches, which
 * its per-batch dedup alone could not merge.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { describe, it } from "node:test";
import { startApiOn, type ApiServer } from "../../src/api";
import { keyLock, SqliteStateStore, type StateStore } from "../../src/api/state";
import type { Config } from "../../src/config";
import { buildEvent, toWire, type GameEvent } from "../../src/events";
import { silentLogger } from "../../src/logger";
import { runSink } from "../../src/sink";
import { createStorage } from "../../src/storage";
import { EmbeddedLog } from "../../src/transport";
import { readTable } from "../sink/helpers";
import { readLog, request, tempDataDir, testConfig, type Reply } from "./helpers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KEY = "join-ann-1";
const keyed = { headers: { "idempotency-key": KEY, "x-player-id": "ann" } };

/** The API on the embedded log, with a store the test also writes to; catch-up only on demand. */
async function start(): Promise<{ config: Config; store: StateStore; api: ApiServer }> {
  const config = testConfig(tempDataDir(), { API_CATCHUP_INTERVAL_MS: "0" });
  const store = new SqliteStateStore(path.join(config.dataDir, "state.db"));
  const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  await transport.ensureTopic(config.transport.topic, { partitions: 2 });
  const api = await startApiOn({ api: config.api, topic: config.transport.topic, transport, logger: silentLogger, ownsTransport: true, store });
  return { config, store, api };
}

/** What a first attempt that died after claiming its key leaves in the store: the claim only. */
async function claimAndDie(store: StateStore): Promise<void> {
  const found = await store.transact([keyLock(KEY)], (tx) => tx.claim(KEY, 0, Date.now()));
  assert.equal(found.state, "claimed");
}

/** ...and in the log, when it died after its event landed. */
async function logFirstAttempt(config: Config): Promise<GameEvent> {
  const event = buildEvent({
    event_id: randomUUID(),
    event_type: "join_guild",
    timestamp: Date.now(),
    player_id: "ann",
    headers: { host: "user1.comcast.com" },
    outcome: "ok",
    status: 200,
    idempotencyKey: KEY,
    payload: { guild_name: "grubs", guild_member_cnt: 1, tot_guild_member_cnt: 1 },
  });
  const log = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  await (await log.producer()).send(config.transport.topic, [{ key: "ann", value: toWire(event) }]);
  await log.close();
  return event;
}

/** Retries the keyed join as a client does after a 503, until it gets another answer; returns the 503s and that answer. */
async function retryUntilAnswered(api: ApiServer): Promise<{ unsettled: Reply[]; answer: Reply }> {
  const unsettled: Reply[] = [];
  let reply = await request(api.url, "/join_guild/grubs", keyed);
  for (let i = 0; i < 100 && reply.status === 503; i++) {
    unsettled.push(reply);
    await sleep(50);
    reply = await request(api.url, "/join_guild/grubs", keyed);
  }
  return { unsettled, answer: reply };
}

async function sinkBatch(config: Config): Promise<void> {
  const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  try {
    await runSink({ config, transport, storage: createStorage(config.storage), engine: null, logger: silentLogger, mode: "batch" });
  } finally {
    await transport.close();
  }
}

describe("a retry whose first attempt died between the log and the store", () => {
  it("gets 503 until the log was checked, then the original answer; the tables hold one row although the sink ran between the two", async () => {
    const { config, store, api } = await start();
    let first: GameEvent;
    let retries: { unsettled: Reply[]; answer: Reply };
    try {
      await claimAndDie(store);
      first = await logFirstAttempt(config);
      await sinkBatch(config); // the first event is in the tables before the retry arrives
      retries = await retryUntilAnswered(api);
      // The replay applied the first attempt's join too.
      assert.equal((await request(api.url, "/join_guild/grubs", { headers: { "x-player-id": "ann" } })).status, 409);
    } finally {
      await api.close();
      await store.close();
    }
    await sinkBatch(config);
    // One event for the key in the log, so one row in every table, though the two attempts met different sink batches.
    assert.deepEqual(readLog(config).filter((e) => e.idempotency_key === KEY).map((e) => e.event_id), [first.event_id]);
    for (const table of ["events", "guilds"] as const) {
      const rows = await readTable(config, table, "idempotency_key");
      assert.equal(rows.filter((r) => r.idempotency_key === KEY).length, 1, `${table}: one row for the key`);
    }
    const { unsettled, answer } = retries;
    assert.ok(unsettled.length > 0, "the first retry waits for the log to be checked");
    for (const reply of unsettled) assert.deepEqual([reply.body.error, reply.headers["retry-after"]], ["key_unsettled", "1"]);
    assert.deepEqual([answer.status, answer.body.event_id, answer.headers["idempotent-replayed"]], [200, first.event_id, "true"]);
  });

  it("logs the retry as a new request once the log was checked and the first attempt's event is not there", async () => {
    const { config, store, api } = await start();
    try {
      await claimAndDie(store);
      const { unsettled, answer } = await retryUntilAnswered(api);
      assert.ok(unsettled.length > 0, "the first retry waits for the log to be checked");
      assert.deepEqual([answer.status, answer.body.message, answer.headers["idempotent-replayed"]], [200, "Joined Guild: grubs! Total members:1", undefined]);
      const again = await request(api.url, "/join_guild/grubs", keyed);
      assert.deepEqual([again.status, again.body.event_id, again.headers["idempotent-replayed"]], [200, answer.body.event_id, "true"]);
    } finally {
      await api.close();
      await store.close();
    }
    assert.equal(readLog(config).filter((e) => e.idempotency_key === KEY).length, 1);
  });
});
