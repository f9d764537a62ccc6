import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startApi } from "../../src/api/server";
import { parseEvent } from "../../src/events";
import { silentLogger } from "../../src/logger";
import { request } from "../api/helpers";
import { kcatLines } from "./kafka-topic";
import { ensureStack, kafkaApiConfig } from "./stack";

describe("Kafka peer check", () => {
  it("events the API logs to Kafka read back with kcat as the documented event JSON", async () => {
    await ensureStack(["kafka"]);
    const config = kafkaApiConfig("peer");
    const topic = config.transport.topic;
    const api = await startApi(config, silentLogger);
    const sent = new Map<string, string>();
    try {
      const targets = ["/", "/purchase_a_sword/katana", "/purchase_a_shield/buckler", "/join_guild/grubs", "/leave_guild/grubs", "/purchase_a_sword/no_such_sword"];
      for (const [i, target] of targets.entries()) {
        const reply = await request(api.url, target, {
          headers: { host: `user${i}.comcast.com`, "user-agent": "kafka-peer-test/1.0", accept: "application/json", "x-player-id": "peer-player" },
        });
        assert.ok(reply.status === 200 || reply.status === 404, `${target} answered ${reply.status}`);
        assert.equal(typeof reply.body.event_id, "string", `${target} logged an event`);
        sent.set(reply.body.event_id as string, target);
      }
    } finally {
      await api.close();
    }

    const lines = await kcatLines(topic, sent.size);
    assert.equal(lines.length, sent.size);
    const seen = new Set<string>();
    for (const line of lines) {
      const parsed = parseEvent(line);
      assert.ok(parsed.ok, `kcat line is not a valid event: ${line}`);
      const { event } = parsed;
      assert.ok(sent.has(event.event_id), `unexpected event ${event.event_id}`);
      assert.equal(event.user_agent, "kafka-peer-test/1.0");
      assert.equal(event.accept, "application/json");
      assert.match(event.host ?? "", /^user\d\.comcast\.com$/);
      assert.equal(event.player_id, "peer-player");
      // The documented JSON names (Host, User-Agent, Accept) are what is on the wire.
      const raw = JSON.parse(line) as Record<string, unknown>;
      assert.equal(raw["User-Agent"], "kafka-peer-test/1.0");
      seen.add(event.event_id);
    }
    assert.equal(seen.size, sent.size);
    const types = lines.map((l) => (JSON.parse(l) as { event_type: string }).event_type).sort();
    assert.deepEqual(types, ["default", "join_guild", "leave_guild", "purchase_shield", "purchase_sword", "purchase_sword"]);
  });
});
