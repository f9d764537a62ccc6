/**
 * The admin calls of the Kafka Transport on @platformatic/kafka's Admin client: topics, offsets
 * and a group's committed offsets, as plain numbers. Created on first use.
 */
import type { ClusterTopicMetadata } from "@platformatic/kafka";
import { Admin } from "./client";
import type { Offsets } from "../transport";
import type { Logger } from "../../logger";
import { clientOptions, type KafkaClientSettings } from "./client-options";
import { closeClient, trackConnections } from "./close-client";
import { FencedError } from "../../errors";
import { hasKafkaError, isUnknownTopic, toTransportError } from "./errors";

/** How long ensureTopic waits for every partition of a new topic to have a leader. */
const LEADER_WAIT_MS = 15_000;

export class KafkaAdmin {
  private client: Admin | null = null;

  constructor(
    private readonly settings: KafkaClientSettings,
    private readonly logger: Logger,
  ) {}

  /** Creates the topic unless it exists, then waits until each partition has a leader. */
  async ensureTopic(topic: string, partitions: number, replicas: number): Promise<void> {
    try {
      await this.admin().createTopics({ topics: [topic], partitions, replicas });
    } catch (error) {
      // The idempotent case: the topic is there already.
      if (!hasKafkaError(error, "TOPIC_ALREADY_EXISTS")) throw toTransportError(`create topic ${topic}`, error);
    }
    // A new topic's partitions get leaders shortly after CreateTopics answers; sends before that fail.
    const deadline = Date.now() + LEADER_WAIT_MS;
    for (;;) {
      const metadata = await this.topicMetadata(topic);
      if (metadata && metadata.partitions.every((p) => p.leader >= 0)) return;
      if (Date.now() > deadline) throw toTransportError(`create topic ${topic}`, new Error(`partitions still have no leader after ${LEADER_WAIT_MS} ms`));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The topic's metadata, or null when it does not exist (never creates it). */
  async topicMetadata(topic: string): Promise<ClusterTopicMetadata | null> {
    try {
      // Without retries first: the client retries "unknown topic" as Kafka marks it retriable, which
      // would only delay the answer that the topic is not there.
      return (await this.admin().metadata({ topics: [topic], forceUpdate: true, retries: 0 })).topics.get(topic) ?? null;
    } catch (error) {
      if (isUnknownTopic(error)) return null;
    }
    try {
      return (await this.admin().metadata({ topics: [topic], forceUpdate: true })).topics.get(topic) ?? null;
    } catch (error) {
      if (isUnknownTopic(error)) return null;
      throw toTransportError(`read metadata of ${topic}`, error);
    }
  }

  /** Per partition, the offset at `timestamp` (ListOffsetTimestamps.EARLIEST / LATEST); empty for a missing topic. */
  async offsets(topic: string, timestamp: bigint): Promise<Offsets> {
    const metadata = await this.topicMetadata(topic);
    if (!metadata) return new Map();
    const partitions = Array.from({ length: metadata.partitionsCount }, (_, partitionIndex) => ({ partitionIndex, timestamp }));
    try {
      const [listed] = await this.admin().listOffsets({ topics: [{ name: topic, partitions }] });
      return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, Number(p.offset)]));
    } catch (error) {
      if (isUnknownTopic(error)) return new Map();
      throw toTransportError(`fetch offsets of ${topic}`, error);
    }
  }

  /** Stores a group's positions (only an idle group takes them from an admin). */
  async setGroupOffsets(groupId: string, topic: string, offsets: Offsets): Promise<void> {
    const partitionOffsets = [...offsets].map(([partition, offset]) => ({ partition, offset: BigInt(offset) }));
    await this.admin().alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets }] });
  }

  async committedOffsets(groupId: string, topic: string): Promise<Offsets> {
    try {
      const groups = await this.admin().listConsumerGroupOffsets({ groups: [groupId] });
      const committed: Offsets = new Map();
      for (const t of groups.find((g) => g.groupId === groupId)?.topics ?? []) {
        if (t.name !== topic) continue;
        for (const p of t.partitions) if (p.committedOffset >= 0n) committed.set(p.partitionIndex, Number(p.committedOffset));
      }
      return committed;
    } catch (error) {
      if (isUnknownTopic(error)) return new Map();
      throw toTransportError(`fetch committed offsets of ${groupId}`, error);
    }
  }

  /** Resolves while `groupId` has no live member; else rejects with a FencedError for `partitions`. */
  async confirmNoMembers(groupId: string, partitions: readonly number[]): Promise<void> {
    let members: number;
    try {
      members = (await this.admin().describeGroups({ groups: [groupId] })).get(groupId)?.members.size ?? 0;
    } catch (error) {
      throw toTransportError(`describe group ${groupId}`, error);
    }
    if (members > 0) {
      throw new FencedError(`consumer group ${groupId} has ${members} live member(s) (a streaming sink?): a batch run of the same group stops rather than write their partitions too`, partitions);
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await closeClient(client, () => client.close(), this.logger, "admin client");
  }

  private admin(): Admin {
    this.client ??= trackConnections(new Admin(clientOptions(this.settings)));
    return this.client;
  }
}
