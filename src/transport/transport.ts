/**
 * The log the API writes to and the sink reads from. Two implementations: Kafka and
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

/** Asks the group's authority whether this member still owns partitions (see Subscription). */
export interface OwnershipCheck {
  confirmOwnership(partitions: readonly number[]): Promise<void>;
}

/**
 * A sink worker's share of a topic: which partitions it owns, told as they change. Kafka: the
 * consumer group's assignment; the embedded log: a lease on the whole topic (one writer at a time).
 */
export interface Ownership {
  /**
   * This member now owns `partitions`. Resolves with where to read each from (the sink recovers
   * them from its committed files; a partition left out starts at the earliest offset). Nothing of
   * them is delivered before it resolves.
   */
  assigned(partitions: readonly number[], owner: OwnershipCheck): Promise<Offsets>;
  /**
   * This member hands `partitions` over (a rebalance, or a clean stop): nothing more of them is
   * delivered, and the handover waits for this to resolve (the sink finishes or discards their
   * in-flight batches).
   */
  revoked(partitions: readonly number[]): Promise<void>;
  /** `partitions` already belong to someone else (lease taken over, session expired): write nothing more for them. */
  lost(partitions: readonly number[], reason: Error): void;
}

export interface ConsumeOptions {
  topic: string;
  groupId: string;
  /**
   * Present for a member that owns partitions and writes for them (the sink): the subscription
   * takes its share of the topic in `groupId` and reports it here. Absent: a plain reader of every
   * partition, owning nothing (recovery's re-reads, tests, notebooks).
   */
  ownership?: Ownership;
  /**
   * How long a silent member keeps its partitions (Kafka: the session timeout; the embedded log:
   * the lease's time to live). Only with `ownership`.
   */
  sessionTimeoutMs?: number;
  /** Where to start each partition; partitions not listed start at the earliest offset. */
  from: Offsets;
  /** Called with records of ONE partition, in offset order; the next batch waits for it (backpressure). */
  onBatch: (records: LogRecord[]) => Promise<void>;
  /** Upper bound on records per onBatch call. */
  maxBatch?: number;
  /**
   * A bounded subscription (batch mode): per partition, where reading ends, e.g. the end offsets
   * taken at the start. No record at or past it is delivered, no fetch waits for more (Kafka:
   * manual assignment, no group to join), and onEnd is called once every partition reached it.
   */
  until?: Offsets;
  /** With `until`: called once when every partition has reached its bound. */
  onEnd?: () => void;
  /** Called when consuming fails for good; the subscription is then stopped. */
  onError?: (error: Error) => void;
}

export interface ReadOptions {
  topic: string;
  /** Per partition, the first offset to read (the log start if it is later); partitions not listed are not read. */
  from: Offsets;
  /** Per partition, the offset to stop before, at most its end offset (e.g. the end offsets taken at the start). */
  to: Offsets;
  /** Called with records of ONE partition, in offset order; the next batch waits for it (backpressure). */
  onBatch: (records: LogRecord[]) => Promise<void>;
  /** Upper bound on records per onBatch call. */
  maxBatch?: number;
  /** Ends the read early: read() then resolves after the batch in progress. */
  signal?: AbortSignal;
}

export interface Subscription extends OwnershipCheck {
  /**
   * Stops fetching; resolves after the batch in progress (if any) has been handled. A member with
   * `ownership` first hands its partitions over (`revoked`), then leaves.
   */
  stop(): Promise<void>;
  /**
   * Resolves if this member still owns `partitions` as the group's authority sees it now (Kafka:
   * the coordinator; the embedded log: the lease row), else rejects with a FencedError. The sink
   * calls it right before the renames that commit a batch. Resolves at once without `ownership`.
   */
  confirmOwnership(partitions: readonly number[]): Promise<void>;
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
  /**
   * Reads each partition of `from` up to `to` with no consumer group (Kafka: manual assignment,
   * nothing to join, no member to rebalance), and resolves once every record below `to` was handed
   * to onBatch. It never waits for a record that is not in the log yet. Recovery's re-reads use it.
   */
  read(options: ReadOptions): Promise<void>;
  /** Stores a consumer group's position (the sink uses it for lag monitoring only). */
  commitOffsets(groupId: string, topic: string, offsets: Offsets): Promise<void>;
  committedOffsets(groupId: string, topic: string): Promise<Offsets>;
  close(): Promise<void>;
}
