import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startApi, startApiOn } from "../../src/api";
import { silentLogger } from "../../src/logger";
import type { LogProducer, Transport } from "../../src/transport";
import { readLog, request, tempDataDir, testConfig, type Reply } from "./helpers";

const waitFor = async (condition: () => boolean, timeoutMs = 10_000) => {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("log unavailable", () => {
  it("answers 503 within the bound while another connection locks the log, stays up, and reports nothing stored that was not", async () => {
    // Under the log's 2 s busy timeout (so a 503 here comes from this bound), yet long enough that an
    // unlocked write on a loaded 2-core machine meets it (300 ms did not, once: the first request got 503).
    const timeoutMs = 1000;
    // One batch in flight: the other requests' events stay queued behind the locked-out write and
    // are withdrawn at their deadline. With several flights they would be handed to the log too,
    // and one that lands after its deadline is in the log despite its 503 (README: "Timeout while
    // in flight"), which would make the last assertion depend on timing.
    const config = testConfig(tempDataDir(), { PUBLISH_TIMEOUT_MS: String(timeoutMs), PUBLISH_MAX_IN_FLIGHT: "1" });
    const api = await startApi(config, silentLogger);
    const answered: Reply[] = [];
    const get = async (target: string, player: string) => {
      const reply = await request(api.url, target, { headers: { "x-player-id": player } });
      answered.push(reply);
      return reply;
    };
    try {
      assert.equal((await get("/join_guild/grubs", "before")).status, 200);

      const locker = new Database(config.transport.embeddedPath);
      locker.exec("BEGIN EXCLUSIVE");
      const during = await Promise.all([
        get("/join_guild/grubs", "locked-out"),
        get("/purchase_a_sword/sabre", "locked-out"),
        get("/", "someone"),
      ]);
      for (const reply of during) {
        assert.equal(reply.status, 503);
        // log_timeout comes only from the PUBLISH_TIMEOUT_MS deadline: the answer did not wait for
        // the log to give up (its busy timeout is 2 s, and would answer log_unavailable).
        assert.equal(reply.body.error, "log_timeout");
        assert.equal(reply.headers["retry-after"], "5", "a client may retry after the outage's few seconds");
        assert.equal(reply.body.event_id, undefined);
      }
      assert.equal((await request(api.url, "/healthz")).status, 200, "the process stays up");

      // Hold the lock until the write in flight has failed for good, then release it.
      await waitFor(() => api.stats().failedBatches >= 1);
      locker.exec("ROLLBACK");
      locker.close();

      const retry = await get("/join_guild/grubs", "locked-out");
      assert.equal(retry.status, 200, "the refused join changed nothing");
      assert.equal(retry.body.message, "Joined Guild: grubs! Total members:2");
    } finally {
      await api.close();
    }
    // Exactly the events of the requests answered with an event id are in the log.
    const answeredIds = answered.filter((r) => r.body.event_id).map((r) => r.body.event_id).sort();
    assert.deepEqual(readLog(config).map((e) => e.event_id).sort(), answeredIds);
  });

  it("answers 503 when the log never acknowledges, refuses beyond the queue bound, and still shuts down", async () => {
    const silent: LogProducer = { send: () => new Promise<void>(() => undefined), close: async () => undefined };
    const transport = { kind: "embedded", producer: async () => silent, endOffsets: async () => new Map() } as unknown as Transport;
    // A deadline long enough for all 8 requests to arrive before the first one expires.
    const config = testConfig(tempDataDir(), { PUBLISH_TIMEOUT_MS: "3000", PUBLISH_MAX_QUEUE: "5", PUBLISH_MAX_BATCH: "2" });
    const api = await startApiOn({ api: config.api, topic: "events", transport, logger: silentLogger });
    try {
      // One guild each: joins of one guild would wait for each other's lock (guild-counts.test.ts), not reach the publisher.
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => request(api.url, `/join_guild/g${i}`, { headers: { "x-player-id": `p${i}` } })));
      assert.ok(replies.every((r) => r.status === 503), JSON.stringify(replies.map((r) => r.status)));
      const count = (code: string) => replies.filter((r) => r.body.error === code).length;
      assert.deepEqual([count("log_timeout"), count("overloaded")], [5, 3]);
      const retryAfter = (code: string) => [...new Set(replies.filter((r) => r.body.error === code).map((r) => r.headers["retry-after"]))];
      assert.deepEqual(retryAfter("overloaded"), ["1"], "an overload clears as soon as a batch lands");
      assert.deepEqual(retryAfter("log_timeout"), ["5"]);
    } finally {
      await api.close();
    }
  });
});
