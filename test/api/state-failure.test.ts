import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { startApiOn } from "../../src/api";
import { SqliteStateStore, type StateStore } from "../../src/api/state";
import { StateStoreError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { EmbeddedLog } from "../../src/transport";
import { readLog, request, tempDataDir, testConfig } from "./helpers";

/** A SQLite store whose commits fail while `failing.commit` is set, and whose reads fail while `failing.read` is. */
function flakyStore(file: string): { store: StateStore; failing: { commit: boolean; read: boolean } } {
  const inner = new SqliteStateStore(file);
  const failing = { commit: false, read: false };
  const store: StateStore = {
    kind: "sqlite",
    transact: async (locks, work) => {
      if (failing.read) throw new StateStoreError("the database is down");
      const result = await inner.transact(locks, work);
      if (failing.commit) throw new StateStoreError("the commit failed");
      return result;
    },
    position: (topic) => inner.position(topic),
    applyReplayed: (batch) => inner.applyReplayed(batch),
    expireKeys: (before) => inner.expireKeys(before),
    dropClaims: (claims) => inner.dropClaims(claims),
    close: () => inner.close(),
  };
  return { store, failing };
}

describe("state store failures", () => {
  it("answers 503 state_unavailable, logging nothing, when the store fails before the event is logged", async () => {
    const config = testConfig(tempDataDir());
    const { store, failing } = flakyStore(path.join(config.dataDir, "state.db"));
    const log = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
    await log.ensureTopic(config.transport.topic, { partitions: 1 });
    const api = await startApiOn({ api: config.api, topic: config.transport.topic, transport: log, logger: silentLogger, ownsTransport: true, store });
    try {
      failing.read = true;
      const reply = await request(api.url, "/join_guild/grubs", { headers: { "x-player-id": "ann" } });
      assert.deepEqual([reply.status, reply.body.error], [503, "state_unavailable"]);
    } finally {
      await api.close();
      await store.close();
    }
    assert.equal(readLog(config).length, 0);
  });

  it("answers 200 when the store fails after the log took the event, and the next start applies the change", async () => {
    const config = testConfig(tempDataDir());
    const file = path.join(config.dataDir, "state.db");
    const { store, failing } = flakyStore(file);
    const log = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
    await log.ensureTopic(config.transport.topic, { partitions: 1 });
    const api = await startApiOn({ api: config.api, topic: config.transport.topic, transport: log, logger: silentLogger, ownsTransport: true, store });
    try {
      failing.commit = true;
      const reply = await request(api.url, "/join_guild/grubs", { headers: { "x-player-id": "ann" } });
      assert.deepEqual([reply.status, reply.body.message], [200, "Joined Guild: grubs! Total members:1"]);
      assert.equal(readLog(config)[0]?.event_id, reply.body.event_id);
    } finally {
      await api.close();
      await store.close();
    }
    const reopened = new SqliteStateStore(file);
    const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
    const next = await startApiOn({ api: config.api, topic: config.transport.topic, transport, logger: silentLogger, ownsTransport: true, store: reopened });
    try {
      const again = await request(next.url, "/join_guild/grubs", { headers: { "x-player-id": "ann" } });
      assert.deepEqual([again.status, again.body.error], [409, "already_member"]);
    } finally {
      await next.close();
      await reopened.close();
    }
  });
});
