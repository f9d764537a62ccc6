/**
 * The Kafka LogProducer: acks=all, idempotent, one request in flight (kafkajs needs that for
 * idempotence), a bounded number of retries so a dead broker fails a send instead of hanging.
 *
 * Why a failed send replaces the kafkajs producer: kafkajs rewinds its per-partition sequence
 * numbers when a produce request fails, but the broker may have written that batch before the
 * connection broke (e.g. a kill -9 right after the append). The next batch would then reuse the
 * same sequence numbers and a batch of the same size would be acknowledged as a duplicate without
 * being written: silent loss. A fresh producer gets a new producer id, so sequences start clean.
 */
import { Partitioners, type Kafka, type Message, type Producer } from "kafkajs";
import { TransportError } from "../../errors";
import type { Logger } from "../../logger";
import type { LogProducer, OutgoingMessage } from "../transport";
import { toTransportError } from "./errors";

export interface KafkaProducerOptions {
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
  private current: Promise<Producer> | null = null;
  private closed = false;

  constructor(private readonly kafka: Kafka, private readonly options: KafkaProducerOptions) {}

  /** Connects the first kafkajs producer, so a broker that is down is reported at once. */
  async connect(): Promise<void> {
    await this.producer();
  }

  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new TransportError("the Kafka producer is closed", { retriable: false });
    if (messages.length === 0) return;
    const attempt = this.producer();
    try {
      const producer = await attempt;
      await producer.send({ topic, acks: -1, timeout: this.options.ackTimeoutMs, messages: messages.map(toKafkaMessage) });
    } catch (error) {
      this.discard(attempt);
      throw toTransportError(`send to ${topic}`, error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    this.current = null;
    if (current) await current.then((p) => p.disconnect()).catch(() => undefined);
  }

  private producer(): Promise<Producer> {
    if (!this.current) {
      const producer = this.kafka.producer({
        // The Java client's murmur2 partitioner (kafkajs 2's default), named so kafkajs does not warn.
        createPartitioner: Partitioners.DefaultPartitioner,
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: this.options.retries, initialRetryTime: 100, maxRetryTime: 1000 },
      });
      this.current = producer.connect().then(
        () => producer,
        (error: unknown) => {
          this.current = null;
          throw toTransportError("producer connect", error);
        },
      );
    }
    return this.current;
  }

  /** Drops the kafkajs producer a failed send used (if it is still the current one). */
  private discard(attempt: Promise<Producer>): void {
    if (this.current !== attempt) return;
    this.current = null;
    this.options.logger.debug("replacing the Kafka producer after a failed send");
    attempt.then((p) => p.disconnect()).catch(() => undefined);
  }
}
