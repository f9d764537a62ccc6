/**
 * Topic set-up and counting for the benchmarks, with kafkajs directly: the harness measures the
 * project's transport, so it does not go through it.
 */
import { Kafka, logLevel, type Admin } from "kafkajs";

export interface TopicTools {
  ensureTopic(topic: string, partitions: number): Promise<void>;
  deleteTopic(topic: string): Promise<void>;
  /** Messages in the topic (sum of high watermarks minus low watermarks). */
  count(topic: string): Promise<number>;
  partitions(topic: string): Promise<number>;
  /** Appends `n` messages made by `make(i)`, spread round-robin over the partitions. */
  fill(topic: string, n: number, make: (i: number) => string, onProgress?: (done: number) => void): Promise<void>;
  close(): Promise<void>;
}

export async function topicTools(brokers: string[]): Promise<TopicTools> {
  const kafka = new Kafka({ clientId: "game-events-bench", brokers, logLevel: logLevel.NOTHING });
  const admin: Admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  let producerConnected = false;

  const offsets = (topic: string) => admin.fetchTopicOffsets(topic);
  return {
    async ensureTopic(topic, partitions) {
      const existing = await admin.listTopics();
      if (!existing.includes(topic)) {
        await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
      }
    },
    async deleteTopic(topic) {
      if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
      // Deletion is asynchronous in Kafka: wait until the name is gone before it can be re-created.
      for (let i = 0; i < 60 && (await admin.listTopics()).includes(topic); i++) await sleep(500);
    },
    async count(topic) {
      return (await offsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    },
    async partitions(topic) {
      return (await offsets(topic)).length;
    },
    async fill(topic, n, make, onProgress) {
      if (!producerConnected) await producer.connect();
      producerConnected = true;
      const partitions = (await offsets(topic)).length;
      const batch = 4000;
      const inFlight = new Set<Promise<unknown>>();
      for (let start = 0; start < n; start += batch) {
        const end = Math.min(n, start + batch);
        const byPartition: { value: string }[][] = Array.from({ length: partitions }, () => []);
        for (let i = start; i < end; i++) byPartition[i % partitions].push({ value: make(i) });
        const send = producer
          .sendBatch({ acks: -1, topicMessages: byPartition.map((messages, partition) => ({ topic, messages: messages.map((m) => ({ ...m, partition })) })) })
          .then(() => onProgress?.(end));
        inFlight.add(send);
        const settle = () => inFlight.delete(send);
        send.then(settle, settle);
        if (inFlight.size >= 4) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    },
    async close() {
      if (producerConnected) await producer.disconnect();
      await admin.disconnect();
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
