import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startApi, startApiOn } from "../../src/api";
import type { Config } from "../../src/config";
import { silentLogger } from "../../src/logger";
import { EmbeddedLog, type LogProducer, type OutgoingMessage, type Transport } from "../../src/transport";
import { readLog, request, tempDataDir, testConfig } from "./helpers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const keyed = (key: string, player = "ann") => ({ headers: { "idempotency-key": key, "x-player-id": player } });

/** The embedded log, whose acknowledgements arrive `delayMs` late while `slow.on` is true. */
function slowLog(config: Config, delayMs: number): { transport: Transport; slow: { on: boolean } } {
  const log = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  const slow = { on: false };
  const producer = log.producer.bind(log);
  log.producer = async () => {
    const inner: LogProducer = await producer();
    return {
      send: async (topic: string, messages: readonly OutgoingMessage[]) => {
        const late = slow.on;
        await inner.send(topic, messages);
        if (late) await sleep(delayMs);
      },
      close: () => inner.close(),
    };
  };
  return { transport: log, slow };
}

describe("Idempotency-Key", () => {
  it("answers a retry after a 200 with the original answer and logs nothing new", async () => {
    const config = testConfig(tempDataDir());
    const api = await startApi(config, silentLogger);
    try {
      const first = await request(api.url, "/join_guild/grubs", keyed("join-1"));
      const retry = await request(api.url, "/join_guild/grubs", keyed("join-1"));
      assert.equal(first.status, 200);
      assert.deepEqual([retry.status, retry.body], [200, first.body]);
      const refused = await request(api.url, "/purchase_a_sword/nope", keyed("buy-1"));
      const refusedAgain = await request(api.url, "/purchase_a_sword/nope", keyed("buy-1"));
      assert.deepEqual([refusedAgain.status, refusedAgain.body], [404, refused.body]);
      // Without a key the same join is a new request: the player is already a member.
      assert.equal((await request(api.url, "/join_guild/grubs", { headers: { "x-player-id": "ann" } })).status, 409);
    } finally {
      await api.close();
    }
    assert.deepEqual(readLog(config).map((e) => e.idempotency_key), ["join-1", "buy-1", null]);
  });

  it("answers a retry after a 503 whose event landed late with the original 200, logging nothing new", async () => {
    const config = testConfig(tempDataDir(), { PUBLISH_TIMEOUT_MS: "200" });
    const { transport, slow } = slowLog(config, 600);
    await transport.ensureTopic(config.transport.topic, { partitions: 1 });
    const api = await startApiOn({ api: config.api, topic: config.transport.topic, transport, logger: silentLogger, ownsTransport: true });
    try {
      slow.on = true;
      const first = await request(api.url, "/join_guild/grubs", keyed("join-1"));
      assert.deepEqual([first.status, first.body.error], [503, "log_timeout"]);
      slow.on = false;
      // While the first attempt's fate is unknown it holds the key: a retry waits for it, at most as
      // long as for the log, then gets 503 busy; once the event landed, the retry gets its answer.
      let retry = await request(api.url, "/join_guild/grubs", keyed("join-1"));
      for (let i = 0; i < 20 && retry.status === 503; i++) {
        assert.deepEqual([retry.body.error, retry.headers["retry-after"]], ["busy", "1"]);
        await sleep(100);
        retry = await request(api.url, "/join_guild/grubs", keyed("join-1"));
      }
      assert.equal(retry.status, 200);
      assert.equal(retry.body.message, "Joined Guild: grubs! Total members:1");
      assert.deepEqual(readLog(config).map((e) => e.event_id), [retry.body.event_id]);
      // The late event's change was recorded: the player is a member.
      assert.equal((await request(api.url, "/join_guild/grubs", keyed("join-2"))).status, 409);
    } finally {
      await api.close();
    }
  });

  it("refuses the same key on a different request with a 422 JSON error, logging nothing", async () => {
    const config = testConfig(tempDataDir());
    const api = await startApi(config, silentLogger);
    try {
      assert.equal((await request(api.url, "/purchase_a_sword/sabre", keyed("k-1"))).status, 200);
      for (const [target, player] of [["/purchase_a_sword/katana", "ann"], ["/purchase_a_shield/sabre", "ann"], ["/purchase_a_sword/sabre", "bob"], ["/", "ann"]]) {
        const reply = await request(api.url, target, keyed("k-1", player));
        assert.equal(reply.status, 422, `${target} as ${player}`);
        assert.equal(reply.body.ok, false);
        assert.equal(reply.body.error, "idempotency_key_reused");
        assert.match(reply.headers["content-type"] ?? "", /application\/json/);
      }
    } finally {
      await api.close();
    }
    assert.equal(readLog(config).length, 1);
  });

  it("refuses a malformed key with a 400, logging nothing", async () => {
    const config = testConfig(tempDataDir());
    const api = await startApi(config, silentLogger);
    try {
      for (const key of ["", "x".repeat(129), "has space", "ünïcode", "semi;colon"]) {
        const reply = await request(api.url, "/", keyed(key));
        assert.deepEqual([reply.status, reply.body.error], [400, "invalid_input"], JSON.stringify(key));
      }
      assert.equal((await request(api.url, "/", keyed("a".repeat(128)))).status, 200);
    } finally {
      await api.close();
    }
    assert.equal(readLog(config).length, 1);
  });

  it("forgets a key after its window: the same request is then a new one", async () => {
    const config = testConfig(tempDataDir(), { IDEMPOTENCY_WINDOW_MS: "300" });
    const api = await startApi(config, silentLogger);
    try {
      const first = await request(api.url, "/purchase_a_sword/sabre", keyed("k-1"));
      await sleep(400);
      const later = await request(api.url, "/purchase_a_sword/sabre", keyed("k-1"));
      assert.equal(later.status, 200);
      assert.notEqual(later.body.event_id, first.body.event_id);
    } finally {
      await api.close();
    }
  });
});
