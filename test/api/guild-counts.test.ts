import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startApi, startApiOn } from "../../src/api";
import { LocalLocks } from "../../src/api/state/local-locks";
import { LockTimeoutError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import type { LogProducer, Transport } from "../../src/transport";
import { readLog, request, tempDataDir, testConfig } from "./helpers";

describe("guild member counts", () => {
  it("logs counts 1..20 when 20 players join one guild at once, in log order", async () => {
    const config = testConfig(tempDataDir());
    const api = await startApi(config, silentLogger);
    try {
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => request(api.url, "/join_guild/grubs", { headers: { "x-player-id": `p${i}` } })));
      assert.ok(replies.every((r) => r.status === 200));
    } finally {
      await api.close();
    }
    const counts = readLog(config).map((e) => e.guild_member_cnt);
    assert.deepEqual(counts, Array.from({ length: 20 }, (_, i) => i + 1));
    assert.deepEqual(readLog(config).map((e) => e.tot_guild_member_cnt), counts);
  });

  it("answers 503 busy, within the bound, a join whose guild's previous join never hears from the log", async () => {
    const silent: LogProducer = { send: () => new Promise<void>(() => undefined), close: async () => undefined };
    const transport = { kind: "embedded", producer: async () => silent, endOffsets: async () => new Map() } as unknown as Transport;
    const config = testConfig(tempDataDir(), { PUBLISH_TIMEOUT_MS: "300" });
    const api = await startApiOn({ api: config.api, topic: "events", transport, logger: silentLogger });
    try {
      const first = request(api.url, "/join_guild/grubs", { headers: { "x-player-id": "ann" } });
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      const second = await request(api.url, "/join_guild/grubs", { headers: { "x-player-id": "bob" } });
      assert.deepEqual([second.status, second.body.error, second.headers["retry-after"]], [503, "busy", "1"]);
      assert.ok(Date.now() - started < 2000, `answered after ${Date.now() - started} ms`);
      assert.deepEqual([(await first).status, (await first).body.error], [503, "log_timeout"]);
      // Another guild is not held up.
      const other = await request(api.url, "/join_guild/stark", { headers: { "x-player-id": "bob" } });
      assert.equal(other.body.error, "log_timeout");
    } finally {
      await api.close();
    }
  });
});

describe("local locks", () => {
  it("lets a waiter give up after its bound without holding up those behind it", async () => {
    const locks = new LocalLocks();
    const releaseFirst = await locks.acquire(["guild:g"]);
    await assert.rejects(locks.acquire(["guild:g", "player:p"], 50), LockTimeoutError);
    const third = locks.acquire(["guild:g"]);
    assert.equal((await locks.acquire(["player:p"], 50)) !== undefined, true, "the waiter released what it had taken");
    releaseFirst();
    (await third)();
    assert.equal(locks.held, 1, "only player:p, still held by the caller above");
  });
});
