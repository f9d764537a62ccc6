import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startApi } from "../../src/api";
import { silentLogger } from "../../src/logger";
import { readLog, request, tempDataDir, testConfig } from "./helpers";

describe("API restart", () => {
  it("keeps guild membership and the logged events across a restart on the same data dir", async () => {
    const config = testConfig(tempDataDir());
    const player = { "x-player-id": "returning" };

    const first = await startApi(config, silentLogger);
    assert.equal((await request(first.url, "/join_guild/house_stark", { headers: player })).status, 200);
    assert.equal((await request(first.url, "/join_guild/grubs", { headers: player })).status, 200);
    assert.equal((await request(first.url, "/leave_guild/grubs", { headers: player })).status, 200);
    assert.equal((await request(first.url, "/purchase_a_sword/katana", { headers: player })).status, 200);
    await first.close();
    const logged = readLog(config).map((e) => e.event_id);
    assert.equal(logged.length, 4);

    const second = await startApi(config, silentLogger);
    try {
      const rejoin = await request(second.url, "/join_guild/house_stark", { headers: player });
      assert.deepEqual([rejoin.status, rejoin.body.error], [409, "already_member"]);
      const releave = await request(second.url, "/leave_guild/grubs", { headers: player });
      assert.deepEqual([releave.status, releave.body.error], [409, "not_member"]);
      const leave = await request(second.url, "/leave_guild/house_stark", { headers: player });
      assert.equal(leave.status, 200);
      assert.equal(leave.body.message, "Left Guild: house_stark! Total members:0");
    } finally {
      await second.close();
    }
    const after = readLog(config);
    assert.equal(after.length, 7);
    assert.deepEqual(after.slice(0, 4).map((e) => e.event_id), logged);
  });
});
