/**
 * The Kafka Transport on @platformatic/kafka: the API's producer, the sink's consumer and the
 * admin calls on a real broker. Offsets are plain numbers; the client speaks bigint. Every
 * failure leaves as a TransportError (./errors.ts).
 *
 * Why a static import of an ESM-only package from this CommonJS project: Node 24 loads ES modules
 * with require() (stable since Node 22.12/20.19 without a flag), and TypeScript's `module: node20`
 * compiles the import to that require, so the client's types and classes are used directly.
 * The embedded default never loads this file (factory.ts imports it on demand).
 */
import { randomUUID } from "node:crypto";
import { Consumer, ListOffsetTimestamps } from "./client";
import type { Logger } from "../../logger";
import type { ConsumeOptions, LogProducer, Offsets, ProducerOptions, ReadOptions, Subscription, Transport } from "../transport";
import { KafkaAdmin } from "./admin";
import { readBounded, type ReadingConsumer } from "./bounded-read";
import { clientOptions, DEFAULT_FETCH_MAX_BYTES, type KafkaClientSettings } from "./client-options";
import { closeClient, trackConnections } from "./close-client";
import { toTransportError } from "./errors";
import { KafkaLogProducer } from "./producer";
import { boundedSubscription } from "../bounded-subscription";
import { KafkaSubscription } from "./subscription";

export interface KafkaTransportOptions extends KafkaClientSettings {
  logger: Logger;
}

export class KafkaTransport implements Transport {
  readonly kind = "kafka" as const;
  private readonly admin: KafkaAdmin;
  private readonly producers = new Set<LogProducer>();
  /** Active subscriptions per group: offsets of a group with a live member are committed through it. */
  private readonly subscriptions = new Map<string, { groupId: string; topic: string; subscription: KafkaSubscription }>();

  constructor(private readonly options: KafkaTransportOptions) {
    this.admin = new KafkaAdmin(options, options.logger.child("admin"));
  }

  ensureTopic(topic: string, options: { partitions: number; replicationFactor?: number }): Promise<void> {
    return this.admin.ensureTopic(topic, options.partitions, options.replicationFactor ?? 1);
  }

  async producer(options: ProducerOptions = {}): Promise<LogProducer> {
    const producer = new KafkaLogProducer({
      settings: this.options,
      concurrency: options.concurrency ?? 1,
      ackTimeoutMs: 5000,
      logger: this.options.logger.child("producer"),
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.close();
      throw error;
    }
    this.producers.add(producer);
    return producer;
  }

  async partitionsFor(topic: string): Promise<number[]> {
    const metadata = await this.admin.topicMetadata(topic);
    return metadata ? Array.from({ length: metadata.partitionsCount }, (_, i) => i) : [];
  }

  endOffsets(topic: string): Promise<Offsets> {
    return this.admin.offsets(topic, ListOffsetTimestamps.LATEST);
  }

  startOffsets(topic: string): Promise<Offsets> {
    return this.admin.offsets(topic, ListOffsetTimestamps.EARLIEST);
  }

  async consume(options: ConsumeOptions): Promise<Subscription> {
    // Batch mode: manual assignment, no group to join (bounded-subscription.ts). It owns the
    // partitions while no member of the group does: a streaming sink of the same group, which
    // recovers (and so fences) each partition it is given, makes this run's next commit fail.
    if (options.until) {
      const { groupId } = options;
      return boundedSubscription(this, options, options.until, { confirmOwnership: (partitions) => this.admin.confirmNoMembers(groupId, partitions) });
    }
    const consumer = trackConnections(new Consumer({
      ...clientOptions(this.options),
      groupId: options.groupId,
      autocommit: false,
      // Short fetch waits: stop() waits for the fetch in progress, and new events show up sooner.
      maxWaitTime: 500,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
      // How long the coordinator waits for members to rejoin a rebalance (the client rejoins at once).
      rebalanceTimeout: options.sessionTimeoutMs ?? 30_000,
      // Cooperative rebalancing: a member keeps reading the partitions it keeps while others move.
      ...(options.ownership ? { protocols: [{ name: "cooperative-sticky", version: 3 }] } : {}),
    }));
    const key = `${options.groupId}\u0000${randomUUID()}`;
    const subscription = new KafkaSubscription(consumer, options, this.options.logger.child("consumer"), () => this.subscriptions.delete(key));
    this.subscriptions.set(key, { groupId: options.groupId, topic: options.topic, subscription });
    try {
      await subscription.start();
    } catch (error) {
      await subscription.stop();
      throw toTransportError(`consume from ${options.topic}`, error);
    }
    return subscription;
  }

  async read(options: ReadOptions): Promise<void> {
    // An empty increment: nothing below any bound, so no request at all.
    if (![...options.from].some(([partition, from]) => from < (options.to.get(partition) ?? 0))) return;
    // A client of its own per read: its fetch sessions are not shared with another read's partitions.
    // The group id is one the client requires and this read never joins.
    const starts = await this.startOffsets(options.topic);
    const consumer = this.reader();
    const logger = this.options.logger.child("read");
    try {
      await readBounded(consumer, options, starts, this.options.fetchMaxBytes ?? DEFAULT_FETCH_MAX_BYTES, logger);
    } finally {
      await closeClient(consumer, () => consumer.close(), logger, "reading consumer");
    }
  }

  async commitOffsets(groupId: string, topic: string, offsets: Offsets): Promise<void> {
    if (offsets.size === 0) return;
    const live = [...this.subscriptions.values()].find((s) => s.groupId === groupId && s.topic === topic);
    try {
      // A group with a live member only accepts commits from that member; an idle group takes them from the admin.
      if (live) await live.subscription.commit(offsets);
      else await this.admin.setGroupOffsets(groupId, topic, offsets);
    } catch (error) {
      throw toTransportError(`commit offsets of ${groupId}`, error);
    }
  }

  committedOffsets(groupId: string, topic: string): Promise<Offsets> {
    return this.admin.committedOffsets(groupId, topic);
  }

  private reader(): ReadingConsumer {
    return trackConnections(new Consumer({ ...clientOptions(this.options), groupId: `${this.options.clientId}-read`, autocommit: false }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions.values()].map((s) => s.subscription.stop()));
    await Promise.all([...this.producers].map((p) => p.close()));
    this.producers.clear();
    await this.admin.close();
  }
}
