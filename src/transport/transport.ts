/**
 * The log the API writes to and the sink reads from. Two implementations: Kafka (kafkajs) and
 * an embedded durable log (SQLite) for the no-server default. One contract test suite runs
 * against both (test/transport/contract.ts).
 *
 * Offsets are plain numbers (safe up to 2^53); positions are "next offset to read".
 */
export interface OutgoingMessage {
  /** Partitioning key: messages with the same key keep their order. */
  key?: string | null;
  value: Buffer | string;
  /** Epoch ms; defaults to the time of the send. */
  timestamp?: number;
}

export interface LogRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer;
  timestamp: number;
}

export type Offsets = Map<number, number>;

export interface LogProducer {
  /**
   * Resolves only when every message is durably in the log (Kafka: acks=all). Sends may overlap
   * (up to the `concurrency` asked of Transport.producer); overlapping sends are not ordered
   * against each other, so callers keep one key's messages in one send at a time.
   */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface ProducerOptions {
  /** Sends the caller may have in flight at once (default 1). */
  concurrency?: number;
}

export interface ConsumeOptions {
  topic: string;
  groupId: string;
  /** Where to start each partition; partitions not listed start at the earliest offset. */
  from: Offsets;
  /** Called with records of ONE partition, in offset order; the next batch waits for it (backpressure). */
  onBatch: (records: LogRecord[]) => Promise<void>;
  /** Upper bound on records per onBatch call. */
  maxBatch?: number;
  /** Called when consuming fails for good; the subscription is then stopped. */
  onError?: (error: Error) => void;
}

export interface Subscription {
  /** Stops fetching; resolves after the batch in progress (if any) has been handled. */
  stop(): Promise<void>;
}

export interface Transport {
  readonly kind: "embedded" | "kafka";
  /** Creates the topic if it does not exist (idempotent). */
  ensureTopic(topic: string, options: { partitions: number; replicationFactor?: number }): Promise<void>;
  producer(options?: ProducerOptions): Promise<LogProducer>;
  /** Partition numbers of the topic (empty when it does not exist). */
  partitionsFor(topic: string): Promise<number[]>;
  /** Per partition, the offset the next written record will get (the high watermark). */
  endOffsets(topic: string): Promise<Offsets>;
  /** Per partition, the earliest offset still readable. */
  startOffsets(topic: string): Promise<Offsets>;
  consume(options: ConsumeOptions): Promise<Subscription>;
  /** Stores a consumer group's position (the sink uses it for lag monitoring only). */
  commitOffsets(groupId: string, topic: string, offsets: Offsets): Promise<void>;
  committedOffsets(groupId: string, topic: string): Promise<Offsets>;
  close(): Promise<void>;
}
