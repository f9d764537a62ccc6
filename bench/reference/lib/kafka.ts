/**
 * Topic set-up and counting for the benchmarks, with the Kafka client directly: the harness
 * measures the project's transport, so it does not go through it.
 */
import { Admin, ListOffsetTimestamps, ProduceAcks, Producer } from "@platformatic/kafka";

export interface TopicTools {
  ensureTopic(topic: string, partitions: number): Promise<void>;
  deleteTopic(topic: string): Promise<void>;
  /** Messages in the topic (sum of high watermarks minus low watermarks). */
  count(topic: string): Promise<number>;
  partitions(topic: string): Promise<number>;
  /** Deletes a consumer group (and its committed offsets) if it exists. */
  deleteGroup(group: string): Promise<void>;
  /** Appends `n` messages made by `make(i)`, spread round-robin over the partitions. */
  fill(topic: string, n: number, make: (i: number) => string, onProgress?: (done: number) => void): Promise<void>;
  /** Appends `values` to one partition in one send (acks=all); resolves once the broker acknowledged them. */
  append(topic: string, partition: number, values: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export async function topicTools(brokers: string[]): Promise<TopicTools> {
  const options = { clientId: "game-events-bench", bootstrapBrokers: brokers };
  const admin = new Admin(options);
  let producer: Producer | null = null;
  /** The one producer of these tools (acks=all), created on first use. */
  const theProducer = () => (producer ??= new Producer({ ...options, acks: ProduceAcks.ALL }));

  const partitionCount = async (topic: string) => (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)?.partitionsCount ?? 0;
  const offsets = async (topic: string, timestamp: bigint) => {
    const partitions = Array.from({ length: await partitionCount(topic) }, (_, partitionIndex) => ({ partitionIndex, timestamp }));
    const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions }] });
    return (listed?.partitions ?? []).map((p) => Number(p.offset));
  };
  return {
    async ensureTopic(topic, partitions) {
      if (!(await admin.listTopics()).includes(topic)) await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
      // A new topic's partitions get leaders shortly after CreateTopics answers.
      for (let i = 0; i < 100; i++) {
        const metadata = await admin.metadata({ topics: [topic], forceUpdate: true }).catch(() => null);
        if (metadata?.topics.get(topic)?.partitions.every((p) => p.leader >= 0)) return;
        await sleep(100);
      }
    },
    async deleteTopic(topic) {
      if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
      // Deletion is asynchronous in Kafka: wait until the name is gone before it can be re-created.
      for (let i = 0; i < 60 && (await admin.listTopics()).includes(topic); i++) await sleep(500);
    },
    async count(topic) {
      const [high, low] = await Promise.all([offsets(topic, ListOffsetTimestamps.LATEST), offsets(topic, ListOffsetTimestamps.EARLIEST)]);
      return high.reduce((sum, h, i) => sum + h - (low[i] ?? 0), 0);
    },
    partitions: partitionCount,
    async deleteGroup(group) {
      if ((await admin.listGroups()).has(group)) await admin.deleteGroups({ groups: [group] });
    },
    async fill(topic, n, make, onProgress) {
      const sender = theProducer();
      const partitions = await partitionCount(topic);
      const batch = 4000;
      const inFlight = new Set<Promise<unknown>>();
      for (let start = 0; start < n; start += batch) {
        const end = Math.min(n, start + batch);
        const messages = [];
        for (let i = start; i < end; i++) messages.push({ topic, partition: i % partitions, value: Buffer.from(make(i)) });
        const send = sender.send({ messages }).then(() => onProgress?.(end));
        inFlight.add(send);
        const settle = () => inFlight.delete(send);
        send.then(settle, settle);
        if (inFlight.size >= 4) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    },
    async append(topic, partition, values) {
      await theProducer().send({ messages: values.map((value) => ({ topic, partition, value: Buffer.from(value) })) });
    },
    async close() {
      await producer?.close();
      await admin.close();
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
