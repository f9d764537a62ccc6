/**
 * A Kafka consumer behind the Subscription interface. The group is used for partition assignment
 * only: auto-commit is off and every assigned partition is sought to the position this
 * subscription tracks (ConsumeOptions.from at first, earliest for partitions not listed), so the
 * caller's own checkpoint decides where reading starts, not the group's committed offsets.
 */
import type { Consumer, EachBatchPayload, KafkaMessage } from "kafkajs";
import type { Logger } from "../../logger";
import type { ConsumeOptions, LogRecord, Subscription } from "../transport";
import { yieldToEventLoop } from "../event-loop";
import { toTransportError } from "./errors";

/** kafkajs' special offset for "earliest". */
const EARLIEST = "-2";

export function toLogRecord(topic: string, partition: number, message: KafkaMessage): LogRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key === null ? null : message.key.toString(),
    value: message.value ?? Buffer.alloc(0),
    timestamp: Number(message.timestamp),
  };
}

export class KafkaSubscription implements Subscription {
  /** Next offset to hand out per partition; absent: wherever the seek to `from`/earliest lands. */
  private readonly positions = new Map<number, number>();
  private stopping: Promise<void> | null = null;
  private failed = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: ConsumeOptions,
    private readonly logger: Logger,
    private readonly onStopped: () => void,
    /** Partitions owned (with ConsumeOptions.ownership): all of them, handed over on stop. */
    private readonly owned: readonly number[] = [],
  ) {
    for (const [partition, offset] of options.from) this.positions.set(partition, offset);
  }

  async start(): Promise<void> {
    const { topic } = this.options;
    // GROUP_JOIN is emitted synchronously after each join/sync and before the next fetch, so the
    // seeks below apply to the very first fetch and again after any rebalance.
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const partition of payload.memberAssignment[topic] ?? []) {
        const position = this.positions.get(partition);
        this.consumer.seek({ topic, partition, offset: position === undefined ? EARLIEST : String(position) });
      }
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      this.fail(toTransportError(`consume from ${topic}`, payload.error));
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (batch) => this.handle(batch) });
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = this.consumer
        .disconnect()
        .catch((error: unknown) => {
          this.logger.warn("consumer disconnect failed", { error: String(error) });
        })
        .then(this.onStopped)
        // Offsets committed from here on go through the admin client: the member has left.
        .then(() => this.options.ownership?.revoked(this.owned))
        .catch((error: unknown) => {
          this.logger.warn("handing the partitions over failed", { error: String(error) });
        });
    }
    return this.stopping;
  }

  /** Every member owns its partitions for its whole run until ownership follows the group's assignment. */
  async confirmOwnership(): Promise<void> {}

  private async handle({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { partition } = batch;
    const position = this.positions.get(partition);
    // Records before the tracked position can only come from a fetch that raced a seek: skip them.
    const records = batch.messages
      .map((m) => toLogRecord(batch.topic, partition, m))
      .filter((r) => position === undefined || r.offset >= position);
    const maxBatch = this.options.maxBatch ?? 10_000;
    for (let i = 0; i < records.length; i += maxBatch) {
      if (this.stopping || this.failed || !isRunning() || isStale()) return;
      const chunk = records.slice(i, i + maxBatch);
      try {
        await this.options.onBatch(chunk);
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const last = chunk[chunk.length - 1].offset;
      this.positions.set(partition, last + 1);
      resolveOffset(String(last));
      await heartbeat();
      await yieldToEventLoop();
    }
  }

  /** Consuming failed for good: report once, then stop (not from inside eachBatch: that would wait on itself). */
  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.logger.warn("consuming stopped after an error", { topic: this.options.topic, error: error.message });
    this.options.onError?.(error);
    setImmediate(() => void this.stop());
  }
}
