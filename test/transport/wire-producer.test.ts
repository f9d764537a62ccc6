import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TransportError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { WireKafkaProducer } from "../../src/transport/kafka/wire-producer";
import { crc32c } from "../../src/transport/kafka/wire/crc32c";
import { partitionForKey } from "../../src/transport/partitioner";
import { FakeKafkaBroker } from "./fake-kafka-broker";

function producerFor(address: string, retries = 3): WireKafkaProducer {
  return new WireKafkaProducer({ brokers: [address], clientId: "test", concurrency: 2, ackTimeoutMs: 1000, requestTimeoutMs: 2000, retries, logger: silentLogger });
}

describe("wire Kafka producer: encoding", () => {
  it("computes the standard CRC-32C check value, also across the 8-byte fast path", () => {
    assert.equal(crc32c(Buffer.from("123456789"), 0, 9), 0xe3069283);
    const bytes = Buffer.from("xx123456789123456789yy");
    assert.equal(crc32c(bytes, 2, 11), 0xe3069283);
  });

});

describe("wire Kafka producer against a fake broker", () => {
  const broker = new FakeKafkaBroker(3);
  let address = "";
  before(async () => (address = await broker.start()));
  after(() => broker.stop());

  it("writes keys, values and timestamps that kafkajs decodes, with valid checksums and per-partition sequences", async () => {
    const producer = producerFor(address);
    await producer.connect();
    const messages = Array.from({ length: 40 }, (_, i) => ({ key: i % 9 === 0 ? null : `player-${i % 5}`, value: i % 2 ? `{"n":${i},"é":"✓"}` : Buffer.from([i, 0, 255]), timestamp: 1_700_000_000_000 + (i % 7) }));
    await producer.send("events", messages.slice(0, 20));
    await producer.send("events", messages.slice(20));
    await producer.close();
    const stored = broker.log.splice(0);
    assert.ok(stored.every((b) => b.crcValid));
    const got = stored.flatMap((b) => b.records);
    assert.equal(got.length, 40);
    for (const m of messages) {
      const value = Buffer.isBuffer(m.value) ? m.value.toString() : m.value;
      assert.ok(got.some((r) => r.key === m.key && r.value === value && r.timestamp === m.timestamp), `missing ${String(m.key)} ${value}`);
    }
    for (const m of messages.filter((x) => x.key !== null)) {
      const batch = stored.find((b) => b.records.some((r) => r.key === m.key));
      assert.equal(batch?.partition, partitionForKey(m.key!, 3));
    }
    // Each partition's second batch continues the first one's sequence.
    for (const partition of [0, 1, 2]) {
      const batches = stored.filter((b) => b.partition === partition);
      let expected = 0;
      for (const b of batches) {
        assert.equal(b.baseSequence, expected);
        expected += b.records.length;
      }
    }
  });

  it("retries a batch whose connection broke after the append with the same producer id and sequence, so it is stored once", async () => {
    const producer = producerFor(address);
    await producer.connect();
    broker.script.push("append-then-drop");
    await producer.send("events", [{ key: "k", value: "once" }]);
    await producer.send("events", [{ key: "k", value: "next" }]);
    await producer.close();
    const stored = broker.log.splice(0);
    assert.deepEqual(stored.flatMap((b) => b.records.map((r) => r.value)), ["once", "next"]);
    assert.equal(new Set(stored.map((b) => b.producerId)).size, 1);
  });

  it("fails a send the broker keeps refusing, and sends the next batch under a fresh producer id", async () => {
    const producer = producerFor(address, 2);
    await producer.connect();
    broker.received.length = 0;
    broker.script.push("drop", "drop", "drop");
    await assert.rejects(producer.send("events", [{ key: "k", value: "lost" }]), (e: unknown) => e instanceof TransportError && e.retriable);
    await producer.send("events", [{ key: "k", value: "after" }]);
    await producer.close();
    const stored = broker.log.splice(0);
    assert.deepEqual(stored.flatMap((b) => b.records.map((r) => r.value)), ["after"]);
    const attempts = broker.received.filter((r) => r.values[0] === "lost");
    assert.equal(attempts.length, 3); // the first try and two retries, all with the same id and sequence
    assert.equal(new Set(attempts.map((a) => `${a.producerId}/${a.baseSequence}`)).size, 1);
    assert.notEqual(stored[0].producerId, attempts[0].producerId);
    assert.equal(stored[0].baseSequence, 0);
  });

  it("fails at once on an error Kafka does not retry, without writing the batch", async () => {
    const producer = producerFor(address);
    await producer.connect();
    const before = broker.produceRequests;
    broker.script.push({ errorCode: 10 }); // MESSAGE_TOO_LARGE
    await assert.rejects(producer.send("events", [{ key: "k", value: "big" }]), (e: unknown) => e instanceof TransportError && !e.retriable && /error code 10/.test(e.message));
    assert.equal(broker.produceRequests, before + 1);
    assert.equal(broker.log.splice(0).length, 0);
    await producer.close();
  });

  it("waits for a transaction coordinator that is still loading (a fresh cluster's first producer id)", async () => {
    broker.initErrors = { count: 3, errorCode: 14 }; // COORDINATOR_LOAD_IN_PROGRESS
    const before = broker.initRequests;
    const producer = producerFor(address);
    await producer.connect();
    assert.equal(broker.initRequests, before + 4); // three refusals, then the id
    await producer.send("events", [{ key: "k", value: "first" }]);
    await producer.close();
    assert.deepEqual(broker.log.splice(0).flatMap((b) => b.records.map((r) => r.value)), ["first"]);
  });

  it("fails to connect when the producer id is refused for a reason Kafka does not retry", async () => {
    broker.initErrors = { count: 1, errorCode: 53 }; // TRANSACTIONAL_ID_AUTHORIZATION_FAILED
    await assert.rejects(producerFor(address).connect(), (e: unknown) => e instanceof TransportError && !e.retriable && /error code 53/.test(e.message));
  });

  it("reports a broker that is not there as a retriable error when connecting", async () => {
    const dead = producerFor("127.0.0.1:1", 0);
    await assert.rejects(dead.connect(), (e: unknown) => e instanceof TransportError && e.retriable);
  });
});
