/**
 * Batches events from concurrent requests into one log write, and answers each request when its
 * batch is acknowledged. Why: the Kafka client sends every send() as its own produce request (and the
 * embedded log pays one fsync per append), so per-request sends would cap throughput.
 *
 * Rules (pure logic over a LogProducer and a Clock; unit tested with fakes):
 * - a batch leaves after `lingerMs`, or at once when `maxBatch` events wait; up to `maxInFlight`
 *   batches fly at once, and whatever queued while all were in flight leaves as soon as one lands;
 * - batches in flight never share a key (player): an event whose key is in flight waits for that
 *   batch to land. So one player's events reach the log in order, and a player's tentative state
 *   changes can be undone newest first, whatever order the log acknowledges batches in and
 *   whatever the transport does with a batch sent after a failed one. (Why not rely on Kafka's
 *   ordering of pipelined requests: an idempotent producer of the Kafka client sends one request
 *   per broker at a time anyway (@platformatic/kafka forces maxInflights=1 for it), so overlapping
 *   flights need separate producers (src/transport/kafka/producer.ts says why), and separate
 *   producers do not order against each other.)
 * - at most `maxQueue` events wait or fly: beyond that publish() fails with BackpressureError;
 * - a request waits at most `timeoutMs`: then it fails with PublishTimeoutError;
 * - every event's fate (stored or lost) is reported exactly once through `onFate`, before the
 *   requests waiting on it are answered: stored in log order, lost newest first, so a caller can
 *   undo tentative state changes in reverse order.
 * - a failed batch also fails everything queued behind it, and an event withdrawn on timeout takes
 *   the events queued behind it along: a later event of the same player may depend on it.
 */
import { BackpressureError, PublishTimeoutError, TransportError } from "../errors";
import type { Logger } from "../logger";
import type { LogProducer, OutgoingMessage } from "../transport";
import type { Clock, TimerHandle } from "./clock";

export interface PublisherOptions<T> {
  producer: LogProducer;
  topic: string;
  lingerMs: number;
  maxBatch: number;
  /** Batches in flight at once (1 = one at a time). */
  maxInFlight: number;
  maxQueue: number;
  timeoutMs: number;
  clock: Clock;
  logger: Logger;
  onFate?: (stored: T[], lost: T[]) => void;
}

export interface PublisherStats {
  batches: number;
  events: number;
  failedBatches: number;
  largestBatch: number;
  /** Total time batches spent in flight (ms), summed over batches. */
  flightMs: number;
  /** Time at least one batch was in flight (ms). */
  busyMs: number;
  /** Most batches in flight at once. */
  mostInFlight: number;
  queued: number;
  inFlight: number;
}

interface Entry<T> {
  message: OutgoingMessage;
  key: string;
  tag: T | undefined;
  answered: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  deadline: TimerHandle | null;
}

export class BatchingPublisher<T = unknown> {
  private queue: Entry<T>[] = [];
  /** Batches in flight, in the order they were sent. */
  private flights = new Set<Entry<T>[]>();
  /** Keys with an event in flight, and how many. */
  private flyingKeys = new Map<string, number>();
  private flyingEvents = 0;
  private busySince = 0;
  private linger: TimerHandle | null = null;
  private closing = false;
  private idleWaiters: (() => void)[] = [];
  private readonly counters = { batches: 0, events: 0, failedBatches: 0, largestBatch: 0, flightMs: 0, busyMs: 0, mostInFlight: 0 };

  constructor(private readonly options: PublisherOptions<T>) {}

  /** Resolves when the event is in the log; rejects with a TransportError (503) otherwise. */
  publish(message: OutgoingMessage, tag?: T): Promise<void> {
    if (this.closing) return this.refuse(tag, new TransportError("the API is shutting down"));
    if (this.pending() >= this.options.maxQueue) {
      return this.refuse(tag, new BackpressureError(`more than ${this.options.maxQueue} events are waiting for the log`));
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Entry<T> = { message, key: message.key ?? "", tag, answered: false, resolve, reject, deadline: null };
      entry.deadline = this.options.clock.after(this.options.timeoutMs, () => this.expire(entry));
      this.queue.push(entry);
      this.schedule();
    });
  }

  /** Events waiting or in flight. */
  pending(): number {
    return this.queue.length + this.flyingEvents;
  }

  stats(): PublisherStats {
    return { ...this.counters, queued: this.queue.length, inFlight: this.flyingEvents };
  }

  /** Refuses new events, sends what was accepted, and resolves once every request is answered. */
  async close(): Promise<void> {
    this.closing = true;
    this.flush();
    if (this.allAnswered()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private refuse(tag: T | undefined, error: Error): Promise<void> {
    this.reportFate([], tag === undefined ? [] : [tag]);
    return Promise.reject(error);
  }

  private schedule(): void {
    if (this.flights.size >= this.options.maxInFlight) return; // the queue leaves when a batch lands
    if (this.queue.length >= this.options.maxBatch || this.closing) return this.flush();
    if (this.linger) return;
    this.linger = this.options.clock.after(this.options.lingerMs, () => this.flush());
    // Once per batch, not per event; a test of the shutdown drain waits for it to know a request is held.
    this.options.logger.debug("batch lingering", { lingerMs: this.options.lingerMs, queued: this.queue.length });
  }

  /** Sends batches while a flight is free and the queue holds events whose key is not in flight. */
  private flush(): void {
    this.linger?.cancel();
    this.linger = null;
    while (this.flights.size < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) return; // every waiting key is in flight
      this.launch(batch);
    }
  }

  /** Takes up to maxBatch queued events, in queue order, skipping keys in flight. */
  private takeBatch(): Entry<T>[] {
    if (this.flyingKeys.size === 0 && this.queue.length <= this.options.maxBatch) return this.queue.splice(0);
    const batch: Entry<T>[] = [];
    const rest: Entry<T>[] = [];
    for (const entry of this.queue) {
      if (batch.length < this.options.maxBatch && !this.flyingKeys.has(entry.key)) batch.push(entry);
      else rest.push(entry);
    }
    // A key cut off by maxBatch must not fly in two batches: keep its later events queued.
    this.queue = rest;
    return batch;
  }

  private launch(batch: Entry<T>[]): void {
    if (this.flights.size === 0) this.busySince = this.options.clock.now();
    this.flights.add(batch);
    for (const entry of batch) this.flyingKeys.set(entry.key, (this.flyingKeys.get(entry.key) ?? 0) + 1);
    this.flyingEvents += batch.length;
    this.counters.batches++;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
    this.counters.mostInFlight = Math.max(this.counters.mostInFlight, this.flights.size);
    const started = this.options.clock.now();
    // Async: the send still starts now, and a synchronous throw becomes a rejection like any other failure.
    const send = async () => this.options.producer.send(this.options.topic, batch.map((e) => e.message));
    send().then(
      () => this.landed(batch, started, null),
      (error: unknown) => this.landed(batch, started, error),
    );
  }

  private landed(batch: Entry<T>[], started: number, error: unknown): void {
    const now = this.options.clock.now();
    this.flights.delete(batch);
    for (const entry of batch) {
      const left = this.flyingKeys.get(entry.key)! - 1;
      if (left === 0) this.flyingKeys.delete(entry.key);
      else this.flyingKeys.set(entry.key, left);
    }
    this.flyingEvents -= batch.length;
    this.counters.flightMs += now - started;
    if (this.flights.size === 0) this.counters.busyMs += now - this.busySince;
    if (error === null) {
      this.counters.events += batch.length;
      this.reportFate(tagsOf(batch), []);
      for (const entry of batch) this.answer(entry, null);
    } else {
      this.counters.failedBatches++;
      // Queued events may depend on the lost ones (same player); other flights hold other keys.
      const lost = [...batch, ...this.queue.splice(0)];
      const failure = error instanceof TransportError ? error : new TransportError("the log refused the batch", { cause: error });
      this.options.logger.warn("log write failed", { events: lost.length, error: failure.message });
      this.fail(lost, failure);
    }
    if (this.queue.length > 0) this.flush();
    this.notifyIfIdle();
  }

  private expire(entry: Entry<T>): void {
    entry.deadline = null;
    if (entry.answered) return;
    const timeout = new PublishTimeoutError(`the log did not acknowledge the event within ${this.options.timeoutMs} ms`);
    const index = this.queue.indexOf(entry);
    if (index >= 0) {
      this.fail(this.queue.splice(index), timeout);
    } else {
      // In flight: it cannot be recalled, so its fate is reported when the batch lands.
      this.answer(entry, timeout);
    }
    this.notifyIfIdle();
  }

  private fail(lost: Entry<T>[], error: Error): void {
    this.reportFate([], tagsOf(lost).reverse());
    for (const entry of lost) this.answer(entry, error);
  }

  private reportFate(stored: T[], lost: T[]): void {
    if (stored.length === 0 && lost.length === 0) return;
    try {
      this.options.onFate?.(stored, lost);
    } catch (error) {
      this.options.logger.error("onFate failed", { error: String(error) });
    }
  }

  private answer(entry: Entry<T>, error: Error | null): void {
    entry.deadline?.cancel();
    entry.deadline = null;
    if (entry.answered) return;
    entry.answered = true;
    if (error) entry.reject(error);
    else entry.resolve();
  }

  private allAnswered(): boolean {
    if (this.queue.length > 0) return false;
    for (const batch of this.flights) if (!batch.every((e) => e.answered)) return false;
    return true;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.allAnswered()) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

function tagsOf<T>(entries: Entry<T>[]): T[] {
  const tags: T[] = [];
  for (const e of entries) if (e.tag !== undefined) tags.push(e.tag);
  return tags;
}
