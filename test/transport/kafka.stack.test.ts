import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { silentLogger } from "../../src/logger";
import { KafkaTransport } from "../../src/transport/kafka/kafka-transport";
import { ensureStack, stackKafka } from "../stack/stack";
import { runTransportContract } from "./contract";

const open = async () => {
  await ensureStack(["kafka"]);
  return new KafkaTransport({ ...stackKafka("contract"), logger: silentLogger });
};

runTransportContract("Kafka", { open });

describe("Kafka transport on a real broker", () => {
  it("fails a send with a retriable TransportError, without hanging, when no broker answers", async () => {
    await ensureStack(["kafka"]);
    const topic = `dead-${randomUUID().slice(0, 8)}`;
    const live = await open();
    await live.ensureTopic(topic, { partitions: 1 });
    await live.close();
    // A port nothing listens on stands in for a dead broker. A client may connect when the producer
    // is opened or only at the first send: either way the send must fail, retriable, in bounded time.
    const dead = new KafkaTransport({ brokers: ["127.0.0.1:1"], clientId: "dead", logger: silentLogger, retries: 2 });
    const started = Date.now();
    const send = async () => {
      const producer = await dead.producer();
      try {
        await producer.send(topic, [{ key: "k", value: "never stored" }]);
      } finally {
        await producer.close();
      }
    };
    await assert.rejects(send(), (e: Error & { retriable?: boolean; code?: string }) => e.retriable === true && e.code === "log_unavailable");
    assert.ok(Date.now() - started < 60_000, `the send failed only after ${Date.now() - started} ms`);
    await dead.close();
  });

  it("reports no partitions and no offsets for a topic that does not exist, without creating it", async () => {
    const transport = await open();
    const topic = `missing-${randomUUID().slice(0, 8)}`;
    assert.deepEqual(await transport.partitionsFor(topic), []);
    assert.equal((await transport.endOffsets(topic)).size, 0);
    assert.deepEqual(await transport.partitionsFor(topic), []);
    await transport.close();
  });
});
