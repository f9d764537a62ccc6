import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { startApi } from "../../src/api";
import { buildEvent, toWire } from "../../src/events";
import { silentLogger } from "../../src/logger";
import { EmbeddedLog } from "../../src/transport";
import { request, tempDataDir, testConfig } from "./helpers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("catch-up with the log while serving", () => {
  it("applies a change another replica logged but did not record, without a restart", async () => {
    const config = testConfig(tempDataDir(), { API_CATCHUP_INTERVAL_MS: "100" });
    const api = await startApi(config, silentLogger);
    try {
      // What a replica that died between its log write and its store write leaves: the event only.
      const log = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
      const producer = await log.producer();
      const event = buildEvent({
        event_id: randomUUID(),
        event_type: "join_guild",
        timestamp: Date.now(),
        player_id: "ann",
        headers: {},
        outcome: "ok",
        status: 200,
        payload: { guild_name: "grubs", guild_member_cnt: 1, tot_guild_member_cnt: 1 },
      });
      await producer.send(config.transport.topic, [{ key: "ann", value: toWire(event) }]);
      await log.close();
      // Until the catch-up applied ann's join she is no member, and her leave is refused (changing nothing).
      let leave = await request(api.url, "/leave_guild/grubs", { headers: { "x-player-id": "ann" } });
      for (let i = 0; i < 50 && leave.status === 409; i++) {
        await sleep(100);
        leave = await request(api.url, "/leave_guild/grubs", { headers: { "x-player-id": "ann" } });
      }
      assert.deepEqual([leave.status, leave.body.message], [200, "Left Guild: grubs! Total members:0"]);
    } finally {
      await api.close();
    }
  });
});
