/**
 * The client's message stream read as batches of ONE partition. The stream hands out one record
 * at a time, across partitions, as its fetches return them; a batch is what is buffered, cut where
 * the partition changes or at maxBatch. Reading nothing more is the backpressure: the stream stops
 * fetching once its buffer holds highWaterMark records.
 */
import type { Message, MessagesStream } from "@platformatic/kafka";
import type { LogRecord } from "../transport";

export type ClientStream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;
type ClientMessage = Message<Buffer, Buffer, Buffer, Buffer>;

export function toLogRecord(message: ClientMessage): LogRecord {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: Number(message.offset),
    key: message.key === undefined || message.key === null ? null : message.key.toString(),
    value: message.value ?? Buffer.alloc(0),
    timestamp: Number(message.timestamp),
  };
}

export class StreamBatches {
  /** Why the stream stopped, when it failed. */
  error: Error | null = null;
  private wake: (() => void) | null = null;
  private signalled = false;

  constructor(private readonly stream: ClientStream) {
    stream.on("readable", () => this.interrupt());
    stream.on("close", () => this.interrupt());
    stream.on("error", (error: Error) => {
      this.error = error;
      this.interrupt();
    });
  }

  /** True once the stream failed or ended: nothing more will come from it. */
  get ended(): boolean {
    return this.error !== null || this.stream.destroyed;
  }

  /** Buffered records of one partition, up to maxBatch; null when nothing is buffered. */
  read(maxBatch: number): LogRecord[] | null {
    const first = this.stream.read() as ClientMessage | null;
    if (first === null) return null;
    const batch = [toLogRecord(first)];
    while (batch.length < maxBatch) {
      const message = this.stream.read() as ClientMessage | null;
      if (message === null) break;
      if (message.partition !== first.partition) {
        this.stream.unshift(message);
        break;
      }
      batch.push(toLogRecord(message));
    }
    return batch;
  }

  /** Resolves once there may be more to read, the stream ended, or interrupt() was called. */
  waitForMore(): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.wake = resolve));
  }

  /** Wakes a waitForMore() (or the next one): data, an error, the end, or a stop. */
  interrupt(): void {
    this.signalled = true;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  close(): Promise<void> {
    return this.stream.close();
  }
}
