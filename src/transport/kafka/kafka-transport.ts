/**
 * The Kafka Transport (kafkajs): the API's producer and the sink's consumer on a real broker.
 * Offsets are plain numbers; kafkajs speaks strings. Every failure leaves as a TransportError
 * whose `retriable` is kafkajs' own verdict.
 */
import { randomUUID } from "node:crypto";
import { Kafka, logLevel, type Admin, type Consumer } from "kafkajs";
import type { Logger } from "../../logger";
import type { ConsumeOptions, LogProducer, Offsets, ProducerOptions, ReadOptions, Subscription, Transport } from "../transport";
import { isUnknownTopic, toTransportError } from "./errors";
import { kafkaLogCreator } from "./log-creator";
import { KafkaLogProducer } from "./producer";
import { WireKafkaProducer } from "./wire-producer";
import { boundedSubscription } from "../bounded-subscription";
import { readThroughConsume } from "./read-through-consume";
import { KafkaSubscription } from "./subscription";

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Upper bound on one request to a broker (ms); a broker that stops answering fails calls after it. */
  requestTimeoutMs?: number;
  /** kafkajs retries per call (exponential back-off from 100 ms, at most 1 s apart). */
  retries?: number;
  /** Who produces: the lean wire producer (default) or kafkajs; consuming and admin stay on kafkajs. */
  producer?: "wire" | "kafkajs";
}

export class KafkaTransport implements Transport {
  readonly kind = "kafka" as const;
  private readonly kafka: Kafka;
  private adminClient: Promise<Admin> | null = null;
  private readonly producers = new Set<LogProducer>();
  /** Active consumers per group: offsets of a group with a live member are committed through it. */
  private readonly consumers = new Map<string, { topic: string; consumer: Consumer; subscription: KafkaSubscription }>();

  constructor(private readonly options: KafkaTransportOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(options.logger),
    });
  }

  async ensureTopic(topic: string, options: { partitions: number; replicationFactor?: number }): Promise<void> {
    const admin = await this.admin();
    try {
      // createTopics answers false when the topic already exists: that is the idempotent case.
      await admin.createTopics({
        topics: [{ topic, numPartitions: options.partitions, replicationFactor: options.replicationFactor ?? 1 }],
        waitForLeaders: true,
      });
    } catch (error) {
      throw toTransportError(`create topic ${topic}`, error);
    }
  }

  async producer(options: ProducerOptions = {}): Promise<LogProducer> {
    const common = {
      concurrency: options.concurrency ?? 1,
      ackTimeoutMs: 5000,
      retries: this.options.retries ?? 5,
      logger: this.options.logger.child("producer"),
    };
    const producer = this.options.producer === "kafkajs"
      ? new KafkaLogProducer(this.kafka, common)
      : new WireKafkaProducer({ ...common, brokers: this.options.brokers, clientId: this.options.clientId, requestTimeoutMs: this.options.requestTimeoutMs ?? 10_000 });
    await producer.connect();
    this.producers.add(producer);
    return producer;
  }

  async partitionsFor(topic: string): Promise<number[]> {
    return [...(await this.offsets(topic, "high")).keys()].sort((a, b) => a - b);
  }

  endOffsets(topic: string): Promise<Offsets> {
    return this.offsets(topic, "high");
  }

  startOffsets(topic: string): Promise<Offsets> {
    return this.offsets(topic, "low");
  }

  async consume(options: ConsumeOptions): Promise<Subscription> {
    // Batch mode: manual assignment, no group (see bounded-subscription.ts).
    if (options.until) return boundedSubscription(this, options, options.until, { confirmOwnership: async () => undefined });
    // Until partition ownership follows the group's assignment (issue 15, on the new client), a
    // member owns every partition for its whole run, as one sink per topic always did here.
    const ownership = options.ownership;
    const partitions = ownership ? await this.partitionsFor(options.topic) : [];
    if (ownership) options = { ...options, from: await ownership.assigned(partitions, { confirmOwnership: async () => undefined }) };
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // Short fetch waits: stop() waits for the fetch in progress, and new events show up sooner.
      maxWaitTimeInMs: 500,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      retry: {
        retries: this.options.retries ?? 5,
        initialRetryTime: 100,
        maxRetryTime: 1000,
        // A retriable failure (broker restart) restarts the consumer; anything else ends the subscription.
        restartOnFailure: async (error: Error) => toTransportError("consume", error).retriable,
      },
    });
    const key = `${options.groupId}\u0000${randomUUID()}`;
    const subscription = new KafkaSubscription(consumer, options, this.options.logger.child("consumer"), () => this.consumers.delete(key), partitions);
    this.consumers.set(key, { topic: options.topic, consumer, subscription });
    try {
      await subscription.start();
    } catch (error) {
      await subscription.stop();
      throw toTransportError(`consume from ${options.topic}`, error);
    }
    return subscription;
  }

  read(options: ReadOptions): Promise<void> {
    return readThroughConsume(this, options);
  }

  async commitOffsets(groupId: string, topic: string, offsets: Offsets): Promise<void> {
    if (offsets.size === 0) return;
    const partitions = [...offsets].map(([partition, offset]) => ({ partition, offset: String(offset) }));
    const live = [...this.consumers].find(([key, c]) => key.startsWith(`${groupId}\u0000`) && c.topic === topic);
    try {
      // A group with a live member only accepts commits from that member; an idle group takes them from the admin.
      if (live) await live[1].consumer.commitOffsets(partitions.map((p) => ({ topic, ...p })));
      else await (await this.admin()).setOffsets({ groupId, topic, partitions });
    } catch (error) {
      throw toTransportError(`commit offsets of ${groupId}`, error);
    }
  }

  async committedOffsets(groupId: string, topic: string): Promise<Offsets> {
    const admin = await this.admin();
    try {
      const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committed: Offsets = new Map();
      for (const { partition, offset } of result?.partitions ?? []) {
        if (Number(offset) >= 0) committed.set(partition, Number(offset));
      }
      return committed;
    } catch (error) {
      if (isUnknownTopic(error)) return new Map();
      throw toTransportError(`fetch committed offsets of ${groupId}`, error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((c) => c.subscription.stop()));
    await Promise.all([...this.producers].map((p) => p.close()));
    this.producers.clear();
    const admin = this.adminClient;
    this.adminClient = null;
    if (admin) await admin.then((a) => a.disconnect()).catch(() => undefined);
  }

  private admin(): Promise<Admin> {
    if (!this.adminClient) {
      const admin = this.kafka.admin();
      this.adminClient = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.adminClient = null;
          throw toTransportError("admin connect", error);
        },
      );
    }
    return this.adminClient;
  }

  private async offsets(topic: string, which: "high" | "low"): Promise<Offsets> {
    const admin = await this.admin();
    try {
      const partitions = await admin.fetchTopicOffsets(topic);
      return new Map(partitions.map((p) => [p.partition, Number(p[which])]));
    } catch (error) {
      if (isUnknownTopic(error)) return new Map();
      throw toTransportError(`fetch offsets of ${topic}`, error);
    }
  }
}
