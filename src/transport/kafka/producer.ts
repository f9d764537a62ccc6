/**
 * The Kafka LogProducer: acks=all, idempotent, one request in flight per kafkajs producer (kafkajs
 * needs that for idempotence), a bounded number of retries so a dead broker fails a send instead
 * of hanging.
 *
 * Why several kafkajs producers ("slots") for overlapping sends: a kafkajs idempotent producer
 * sends one produce request per broker at a time (a per-broker mutex around its sequence numbers),
 * so two sends on one producer never overlap on the wire; worse, a send queued behind a failed one
 * would reuse the sequence numbers the failure rewound (see below). Each slot is its own producer
 * with its own producer id and carries one send at a time; the caller keeps one key's messages in
 * one send at a time (the BatchingPublisher does), because slots do not order against each other.
 *
 * Why a failed send replaces the kafkajs producer: kafkajs rewinds its per-partition sequence
 * numbers when a produce request fails, but the broker may have written that batch before the
 * connection broke (e.g. a kill -9 right after the append). The next batch would then reuse the
 * same sequence numbers and a batch of the same size would be acknowledged as a duplicate without
 * being written: silent loss. A fresh producer gets a new producer id, so sequences start clean.
 */
import { Partitioners, type Kafka, type Message, type Producer } from "kafkajs";
import { TransportError } from "../../errors";
import { Pool } from "../../pool";
import type { Logger } from "../../logger";
import type { LogProducer, OutgoingMessage } from "../transport";
import { toTransportError } from "./errors";

export interface KafkaProducerOptions {
  /** Sends in flight at once, each on its own kafkajs producer. */
  concurrency: number;
  /** Broker-side wait for the in-sync replicas (ms). */
  ackTimeoutMs: number;
  retries: number;
  logger: Logger;
}

export function toKafkaMessage(message: OutgoingMessage): Message {
  return {
    key: message.key ?? null,
    value: message.value,
    timestamp: String(message.timestamp ?? Date.now()),
  };
}

export class KafkaLogProducer implements LogProducer {
  private readonly slots: Slot[];
  private readonly pool: Pool<Slot>;
  private closed = false;

  constructor(private readonly kafka: Kafka, private readonly options: KafkaProducerOptions) {
    this.slots = Array.from({ length: Math.max(1, options.concurrency) }, () => ({ current: null }));
    this.pool = new Pool(this.slots);
  }

  /** Connects the first kafkajs producer, so a broker that is down is reported at once. */
  async connect(): Promise<void> {
    await this.producer(this.slots[0]);
  }

  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new TransportError("the Kafka producer is closed", { retriable: false });
    if (messages.length === 0) return;
    await this.pool.use(async (slot) => {
      const attempt = this.closed ? Promise.reject(new TransportError("the Kafka producer is closed", { retriable: false })) : this.producer(slot);
      try {
        const producer = await attempt;
        await producer.send({ topic, acks: -1, timeout: this.options.ackTimeoutMs, messages: messages.map(toKafkaMessage) });
      } catch (error) {
        this.discard(slot, attempt);
        throw toTransportError(`send to ${topic}`, error);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map((slot) => {
        const current = slot.current;
        slot.current = null;
        return current ? current.then((p) => p.disconnect()).catch(() => undefined) : undefined;
      }),
    );
  }

  private producer(slot: Slot): Promise<Producer> {
    if (!slot.current) {
      const producer = this.kafka.producer({
        // The Java client's murmur2 partitioner (kafkajs 2's default), named so kafkajs does not warn.
        createPartitioner: Partitioners.DefaultPartitioner,
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: this.options.retries, initialRetryTime: 100, maxRetryTime: 1000 },
      });
      const connecting: Promise<Producer> = producer.connect().then(
        () => producer,
        (error: unknown) => {
          if (slot.current === connecting) slot.current = null;
          throw toTransportError("producer connect", error);
        },
      );
      slot.current = connecting;
    }
    return slot.current;
  }

  /** Drops the kafkajs producer a failed send used (if it is still the slot's current one). */
  private discard(slot: Slot, attempt: Promise<Producer>): void {
    if (slot.current !== attempt) return;
    slot.current = null;
    this.options.logger.debug("replacing the Kafka producer after a failed send");
    attempt.then((p) => p.disconnect()).catch(() => undefined);
  }
}

/** One kafkajs producer, carrying at most one send at a time. */
interface Slot {
  current: Promise<Producer> | null;
}
