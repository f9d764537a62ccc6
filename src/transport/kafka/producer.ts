/**
 * The Kafka LogProducer on @platformatic/kafka: acks=all, idempotent, bounded retries so a dead
 * broker fails a send instead of hanging, and Kafka's murmur2 partitioner (../partitioner.ts,
 * the one the embedded log uses too).
 *
 * Why one client producer per in-flight send ("slots"), not one producer shared by all sends:
 * an idempotent client producer numbers each partition's batches (producer id + sequence) and,
 * when a send fails for good, forgets its producer id and sequences. A send sharing that producer
 * could have read the old producer id before the reset and take its sequence numbers after it
 * (the client reads them once its metadata is fresh, which can wait on the network): numbers the
 * broker already saw under that id. A batch whose numbers match one the broker keeps is answered
 * "duplicate" and silently not written. With one send at a time per producer no send ever overlaps
 * a reset. Each slot carries one send at a time under its own producer id; the caller keeps one
 * key's messages in one send at a time (the BatchingPublisher does), since slots do not order
 * against each other.
 *
 * Retries resend the same batch with the same producer id and sequences, so a batch the broker
 * wrote before the connection broke is not written twice; after a send fails for good the client
 * takes a fresh producer id for the next one (its sequence state is unknown).
 */
import { Producer, ProduceAcks } from "./client";
import { TransportError } from "../../errors";
import { Pool } from "../../pool";
import type { Logger } from "../../logger";
import { keyHash } from "../partitioner";
import type { LogProducer, OutgoingMessage } from "../transport";
import { clientOptions, type KafkaClientSettings } from "./client-options";
import { closeClient, trackConnections } from "./close-client";
import { toTransportError } from "./errors";

export interface KafkaProducerOptions {
  settings: KafkaClientSettings;
  /** Sends in flight at once, each on its own client producer. */
  concurrency: number;
  /** Broker-side wait for the in-sync replicas (ms). */
  ackTimeoutMs: number;
  logger: Logger;
}

type ClientProducer = Producer<Buffer, Buffer, Buffer, Buffer>;

export class KafkaLogProducer implements LogProducer {
  private readonly slots: ClientProducer[];
  private readonly pool: Pool<ClientProducer>;
  private roundRobin = 0;
  private closed = false;

  constructor(private readonly options: KafkaProducerOptions) {
    this.slots = Array.from({ length: Math.max(1, options.concurrency) }, () => this.createClient());
    this.pool = new Pool(this.slots);
  }

  /** Takes the first slot's producer id, so a broker that is down or refuses us is reported at once. */
  async connect(): Promise<void> {
    try {
      await this.slots[0].initIdempotentProducer({});
    } catch (error) {
      throw toTransportError("producer connect", error);
    }
  }

  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new TransportError("the Kafka producer is closed", { retriable: false });
    if (messages.length === 0) return;
    const now = BigInt(Date.now());
    const records = messages.map((m) => ({
      topic,
      key: m.key === null || m.key === undefined ? undefined : Buffer.from(m.key, "utf8"),
      value: typeof m.value === "string" ? Buffer.from(m.value, "utf8") : m.value,
      timestamp: m.timestamp === undefined ? now : BigInt(m.timestamp),
    }));
    await this.pool.use(async (producer) => {
      if (this.closed) throw new TransportError("the Kafka producer is closed", { retriable: false });
      try {
        await producer.send({ messages: records });
      } catch (error) {
        throw toTransportError(`send to ${topic}`, error);
      }
    });
  }

  /** Closes every slot and every broker connection the slots opened (./close-client.ts); a failure is logged. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((producer, i) => closeClient(producer, () => producer.close(true), this.options.logger, `producer slot ${i}`)));
  }

  private createClient(): ClientProducer {
    return trackConnections(new Producer({
      ...clientOptions(this.options.settings),
      idempotent: true,
      acks: ProduceAcks.ALL,
      // Kafka's `timeout` of a produce request: how long the leader waits for the in-sync replicas.
      timeout: this.options.ackTimeoutMs,
      autocreateTopics: false,
      // The client takes the returned number modulo the partition count, as Kafka's partitioner does.
      partitioner: (_message, key) => (key ? keyHash(key) : this.roundRobin++),
    }));
  }
}
