/**
 * Kafka Transport (kafkajs). Placeholder until the real-stack work lands: every call fails
 * with a clear, non-retriable error rather than pretending to work.
 */
import { TransportError } from "../../errors";
import type { Logger } from "../../logger";
import type { ConsumeOptions, LogProducer, Offsets, Subscription, Transport } from "../transport";

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

const unavailable = () => Promise.reject(new TransportError("the Kafka transport is not implemented yet", { retriable: false }));

export class KafkaTransport implements Transport {
  readonly kind = "kafka" as const;
  constructor(readonly options: KafkaTransportOptions) {}
  ensureTopic(_topic: string, _options: { partitions: number; replicationFactor?: number }): Promise<void> { return unavailable(); }
  producer(): Promise<LogProducer> { return unavailable(); }
  partitionsFor(_topic: string): Promise<number[]> { return unavailable(); }
  endOffsets(_topic: string): Promise<Offsets> { return unavailable(); }
  startOffsets(_topic: string): Promise<Offsets> { return unavailable(); }
  consume(_options: ConsumeOptions): Promise<Subscription> { return unavailable(); }
  commitOffsets(_g: string, _t: string, _o: Offsets): Promise<void> { return unavailable(); }
  committedOffsets(_g: string, _t: string): Promise<Offsets> { return unavailable(); }
  async close(): Promise<void> {}
}
