/**
 * The Transport contract: every implementation (embedded log, Kafka) runs this same suite.
 * Each test uses its own fresh topic, as kafkajs' own integration tests do.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { partitionForKey, type LogRecord, type Transport } from "../../src/transport";

export interface TransportFixture {
  /** A connected transport; called once per suite. */
  open(): Promise<Transport>;
  /** Called after the suite. */
  cleanup?(): Promise<void>;
}

const freshTopic = () => `contract-${randomUUID().slice(0, 8)}`;

interface CollectOptions {
  timeoutMs?: number;
  maxBatch?: number;
  /** Called after each batch with every record received so far (the array keeps growing). */
  afterBatch?: (received: readonly LogRecord[]) => void;
}

/** Reads until `count` records arrived or `timeoutMs` passed. */
async function collect(transport: Transport, topic: string, from: Map<number, number>, count: number, options: CollectOptions = {}) {
  const records: LogRecord[] = [];
  let done!: () => void;
  const reached = new Promise<void>((r) => (done = r));
  const sub = await transport.consume({
    topic,
    groupId: `g-${randomUUID().slice(0, 8)}`,
    from,
    maxBatch: options.maxBatch,
    onBatch: async (batch) => {
      records.push(...batch);
      options.afterBatch?.(records);
      if (records.length >= count) done();
    },
  });
  const timer = new Promise<void>((r) => setTimeout(r, options.timeoutMs ?? 15_000).unref());
  await Promise.race([reached, timer]);
  await sub.stop();
  return records;
}

export function runTransportContract(name: string, fixture: TransportFixture): void {
  describe(`Transport contract: ${name}`, () => {
    let transport: Transport;
    before(async () => {
      transport = await fixture.open();
    });
    after(async () => {
      await transport?.close();
      await fixture.cleanup?.();
    });

    it("creates a topic idempotently with the requested partitions", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 3 });
      await transport.ensureTopic(topic, { partitions: 3 });
      assert.deepEqual((await transport.partitionsFor(topic)).sort(), [0, 1, 2]);
    });

    it("delivers every acknowledged message once, in offset order per partition", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 2 });
      const producer = await transport.producer();
      const sent = Array.from({ length: 200 }, (_, i) => ({ key: `player-${i % 7}`, value: JSON.stringify({ i }) }));
      await producer.send(topic, sent.slice(0, 120));
      await producer.send(topic, sent.slice(120));
      const records = await collect(transport, topic, new Map(), 200);
      assert.equal(records.length, 200);
      const values = records.map((r) => (JSON.parse(r.value.toString()) as { i: number }).i).sort((a, b) => a - b);
      assert.deepEqual(values, sent.map((_, i) => i));
      for (const p of [0, 1]) {
        const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
        assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), `partition ${p} in order`);
        assert.equal(new Set(offsets).size, offsets.length);
      }
      await producer.close();
    });

    it("keeps messages with the same key in one partition, in send order", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 3 });
      const producer = await transport.producer();
      await producer.send(topic, Array.from({ length: 30 }, (_, i) => ({ key: "alice", value: String(i) })));
      const records = await collect(transport, topic, new Map(), 30);
      assert.equal(new Set(records.map((r) => r.partition)).size, 1);
      assert.deepEqual(records.map((r) => Number(r.value.toString())), Array.from({ length: 30 }, (_, i) => i));
      await producer.close();
    });

    it("puts each key on the partition of Kafka's murmur2 partitioner (the same on every transport)", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 6 });
      const producer = await transport.producer();
      const keys = Array.from({ length: 60 }, (_, i) => `player-${i}`);
      await producer.send(topic, keys.map((key) => ({ key, value: key })));
      const records = await collect(transport, topic, new Map(), keys.length);
      assert.equal(records.length, keys.length);
      for (const r of records) assert.equal(r.partition, partitionForKey(r.key, 6), `key ${r.key}`);
      await producer.close();
    });

    it("reports end offsets that advance by the number of messages sent", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 1 });
      assert.equal((await transport.endOffsets(topic)).get(0), 0);
      const producer = await transport.producer();
      await producer.send(topic, [{ value: "a" }, { value: "b" }, { value: "c" }]);
      assert.equal((await transport.endOffsets(topic)).get(0), 3);
      assert.equal((await transport.startOffsets(topic)).get(0), 0);
      await producer.close();
    });

    it("starts consuming at an explicit offset", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 1 });
      const producer = await transport.producer();
      await producer.send(topic, Array.from({ length: 10 }, (_, i) => ({ value: String(i) })));
      const records = await collect(transport, topic, new Map([[0, 7]]), 3);
      assert.deepEqual(records.map((r) => r.offset), [7, 8, 9]);
      assert.deepEqual(records.map((r) => r.value.toString()), ["7", "8", "9"]);
      await producer.close();
    });

    it("keeps the message bytes, key and timestamp", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 1 });
      const producer = await transport.producer();
      const bytes = Buffer.from([0, 255, 10, 13, 0x7b]);
      await producer.send(topic, [{ key: "k1", value: bytes, timestamp: 1_700_000_000_123 }]);
      const [record] = await collect(transport, topic, new Map(), 1);
      assert.deepEqual(record.value, bytes);
      assert.equal(record.key, "k1");
      assert.equal(record.timestamp, 1_700_000_000_123);
      await producer.close();
    });

    it("stores and returns a consumer group's committed offsets", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 2 });
      const producer = await transport.producer();
      await producer.send(topic, Array.from({ length: 10 }, (_, i) => ({ key: String(i), value: "x" })));
      await producer.close();
      const group = `g-${randomUUID().slice(0, 8)}`;
      assert.equal((await transport.committedOffsets(group, topic)).size, 0);
      await transport.commitOffsets(group, topic, new Map([[0, 1], [1, 2]]));
      const committed = await transport.committedOffsets(group, topic);
      assert.equal(committed.get(0), 1);
      assert.equal(committed.get(1), 2);
    });

    it("lets timers and I/O run between batches while it works through a backlog", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 1 });
      const producer = await transport.producer();
      await producer.send(topic, Array.from({ length: 40 }, (_, i) => ({ value: String(i) })));
      await producer.close();
      let receivedWhenTimersRan = -1;
      let armed = false;
      const records = await collect(transport, topic, new Map(), 40, {
        maxBatch: 4,
        afterBatch: (received) => {
          if (!armed) setImmediate(() => (receivedWhenTimersRan = received.length)); // after the first batch
          armed = true;
        },
      });
      assert.equal(records.length, 40);
      assert.ok(receivedWhenTimersRan >= 4 && receivedWhenTimersRan < 40, `timers ran after ${receivedWhenTimersRan} of 40 records (-1 or 40: not before all were delivered)`);
    });

    it("reads a bounded range of each partition and resolves without waiting for more", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 3 });
      const producer = await transport.producer();
      await producer.send(topic, Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, value: String(i) })));
      const ends = await transport.endOffsets(topic);
      const records: LogRecord[] = [];
      const batches: LogRecord[][] = [];
      // Partition 0 from 2 to its end, partition 1 to 3 records short of it, partition 2 not at all.
      const from = new Map([[0, 2], [1, 0]]);
      const to = new Map([[0, ends.get(0)!], [1, ends.get(1)! - 3], [2, ends.get(2)!]]);
      await transport.read({
        topic, from, to, maxBatch: 4,
        onBatch: async (batch) => {
          records.push(...batch);
          batches.push(batch);
        },
      });
      await producer.send(topic, [{ key: "later", value: "later" }]);
      assert.ok(batches.every((b) => b.length <= 4 && b.every((r) => r.partition === b[0].partition)), "batches of at most 4 records of one partition");
      for (const p of [0, 1]) {
        const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
        const expected = Array.from({ length: to.get(p)! - from.get(p)! }, (_, i) => from.get(p)! + i);
        assert.deepEqual(offsets, expected, `partition ${p}`);
      }
      assert.equal(records.filter((r) => r.partition === 2).length, 0);
      await producer.close();
    });

    it("reads nothing, at once, when every partition is at its bound", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 2 });
      const producer = await transport.producer();
      await producer.send(topic, [{ key: "a", value: "a" }, { key: "b", value: "b" }]);
      await producer.close();
      const ends = await transport.endOffsets(topic);
      let delivered = 0;
      await transport.read({ topic, from: ends, to: ends, onBatch: async (batch) => void (delivered += batch.length) });
      assert.equal(delivered, 0);
    });

    it("ends a bounded read early when its signal aborts", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 1 });
      const producer = await transport.producer();
      await producer.send(topic, Array.from({ length: 40 }, (_, i) => ({ value: String(i) })));
      await producer.close();
      const controller = new AbortController();
      let delivered = 0;
      await transport.read({
        topic, from: new Map([[0, 0]]), to: new Map([[0, 40]]), maxBatch: 4, signal: controller.signal,
        onBatch: async (batch) => {
          delivered += batch.length;
          controller.abort();
        },
      });
      assert.ok(delivered > 0 && delivered < 40, `${delivered} of 40 delivered after the abort`);
    });

    it("ends a bounded subscription at its bound: nothing past it, onEnd once, nothing at all for an empty increment", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 2 });
      const producer = await transport.producer();
      await producer.send(topic, Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: String(i) })));
      const until = await transport.endOffsets(topic);
      const bounded = async (from: Map<number, number>) => {
        const records: LogRecord[] = [];
        let ends = 0;
        let ended!: () => void;
        const end = new Promise<void>((resolve) => (ended = resolve));
        const sub = await transport.consume({
          topic, groupId: `g-${randomUUID().slice(0, 8)}`, from, until, maxBatch: 7,
          onBatch: async (batch) => {
            records.push(...batch);
            // Records written after the bound was taken must not be delivered.
            if (records.length === batch.length) await producer.send(topic, [{ key: "k1", value: "late" }, { key: "k2", value: "late" }]);
          },
          onEnd: () => {
            ends++;
            ended();
          },
        });
        await end;
        await sub.stop();
        return { records, ends };
      };
      const all = await bounded(new Map());
      assert.equal(all.ends, 1);
      assert.equal(all.records.length, 30);
      for (const [p, end] of until) {
        assert.deepEqual(all.records.filter((r) => r.partition === p).map((r) => r.offset), Array.from({ length: end }, (_, i) => i), `partition ${p}`);
      }
      const none = await bounded(new Map(until));
      assert.deepEqual(none, { records: [], ends: 1 });
      await producer.close();
    });

    it("stops a subscription while it waits for new messages", async () => {
      const topic = freshTopic();
      await transport.ensureTopic(topic, { partitions: 1 });
      const sub = await transport.consume({ topic, groupId: `g-${randomUUID().slice(0, 8)}`, from: new Map(), onBatch: async () => {} });
      const started = Date.now();
      await sub.stop();
      assert.ok(Date.now() - started < 10_000);
    });
  });
}
