/**
 * The embedded log's consumer: polls each partition in turn and hands records to onBatch one
 * partition-batch at a time. With `ownership` it is the topic's only writer member: it holds the
 * lease (lease.ts) for its topic and group, renews it while it runs, owns every partition, and hands
 * them over (`revoked`) before it gives the lease up on stop.
 */
import { randomUUID } from "node:crypto";
import { FencedError, OwnershipError } from "../../errors";
import type { Logger } from "../../logger";
import type { ConsumeOptions, LogRecord, Offsets, Subscription } from "../transport";
import { yieldToEventLoop } from "../event-loop";
import { heldMessage, lostMessage } from "./lease";
import type { LeaseStore } from "./lease-store";
import { holderAlive, thisProcess } from "./process-alive";
import type { LogStore } from "./store";

/** The lease's time to live when ConsumeOptions.sessionTimeoutMs is not given. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

export interface PollingOptions {
  store: LogStore;
  leases: LeaseStore;
  pollIntervalMs: number;
  logger: Logger;
}

export class PollingSubscription implements Subscription {
  private stopped = false;
  private lost: FencedError | null = null;
  private finished: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private readonly token = randomUUID();
  private partitions: number[] = [];

  private constructor(
    private readonly options: ConsumeOptions,
    private readonly deps: PollingOptions,
  ) {}

  /** Takes the lease (with `ownership`; refused with an OwnershipError naming the holder), then starts polling. */
  static async start(options: ConsumeOptions, deps: PollingOptions): Promise<PollingSubscription> {
    const sub = new PollingSubscription(options, deps);
    let from: Offsets = options.from;
    if (options.ownership) {
      sub.takeLease();
      sub.partitions = [...deps.store.heads(options.topic).keys()];
      try {
        from = await options.ownership.assigned(sub.partitions, sub);
      } catch (error) {
        sub.releaseLease();
        throw error;
      }
      const ttl = options.sessionTimeoutMs ?? DEFAULT_LEASE_TTL_MS;
      sub.renewTimer = setInterval(() => sub.renew(), Math.max(10, Math.floor(ttl / 3)));
      sub.renewTimer.unref();
    }
    sub.finished = sub.loop(from).catch((error: Error) => {
      sub.stopped = true;
      options.onError?.(error);
    });
    return sub;
  }

  async confirmOwnership(partitions: readonly number[]): Promise<void> {
    if (!this.options.ownership) return;
    if (!this.lost && this.deps.leases.holder(this.options.topic, this.options.groupId)?.token !== this.token) this.lose();
    if (this.lost) throw new FencedError(this.lost.message, partitions, this.lost.holder);
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.finished;
    if (!this.options.ownership) return;
    try {
      // A clean stop hands the partitions over while the lease is still held: their last batches commit.
      if (!this.lost) await this.options.ownership.revoked(this.partitions);
    } catch (error) {
      this.deps.logger.warn("handing the partitions over failed", { topic: this.options.topic, error: String(error) });
    } finally {
      if (this.renewTimer) clearInterval(this.renewTimer);
      if (!this.lost) this.releaseLease();
    }
  }

  private takeLease(): void {
    const { topic, groupId, sessionTimeoutMs } = this.options;
    const { leases, logger } = this.deps;
    const verdict = leases.acquire(topic, groupId, { token: this.token, ...thisProcess() }, sessionTimeoutMs ?? DEFAULT_LEASE_TTL_MS, Date.now(), holderAlive);
    if (verdict.kind === "held") throw new OwnershipError(heldMessage(topic, groupId, verdict.holder, Date.now()), verdict.holder);
    if (verdict.kind === "take-over") logger.warn("took the lease over", { topic, groupId, reason: verdict.reason });
  }

  private releaseLease(): void {
    try {
      this.deps.leases.release(this.options.topic, this.options.groupId, this.token);
    } catch (error) {
      this.deps.logger.warn("could not release the lease (it lapses after its time to live)", { error: String(error) });
    }
  }

  private renew(): void {
    if (this.lost) return;
    try {
      if (!this.deps.leases.renew(this.options.topic, this.options.groupId, this.token, Date.now())) this.lose();
    } catch (error) {
      // A busy file: the next renewal tries again, well within the time to live.
      this.deps.logger.warn("could not renew the lease", { error: String(error) });
    }
  }

  /** Someone else holds the lease now: stop, tell the owner of the partitions, report. */
  private lose(): void {
    if (this.lost) return;
    const { topic, groupId } = this.options;
    const successor = this.deps.leases.holder(topic, groupId);
    this.lost = new FencedError(lostMessage(topic, successor), this.partitions, successor);
    this.deps.logger.error("lease lost", { topic, groupId, successorPid: successor?.pid, successorHost: successor?.host });
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.stopped = true;
    this.wake?.();
    this.options.ownership?.lost(this.partitions, this.lost);
    this.options.onError?.(this.lost);
  }

  private async loop(from: Offsets): Promise<void> {
    const { topic, onBatch, until } = this.options;
    const { store, pollIntervalMs } = this.deps;
    const maxBatch = this.options.maxBatch ?? 10_000;
    const positions = new Map<number, number>();
    while (!this.stopped) {
      let delivered = 0;
      let short = 0;
      for (const [partition, first] of store.firstOffsets(topic)) {
        if (this.stopped) break;
        const start = positions.get(partition) ?? from.get(partition) ?? first;
        const end = until ? (until.get(partition) ?? 0) : Infinity;
        if (start >= end) continue;
        short++;
        const records: LogRecord[] = store.read(topic, partition, start, Math.min(maxBatch, end - start));
        if (records.length === 0) continue;
        await onBatch(records);
        positions.set(partition, records[records.length - 1].offset + 1);
        delivered += records.length;
        await yieldToEventLoop();
      }
      // Bounded: every partition is at its bound (nothing short of it, or nothing more to read below it).
      if (until && !this.stopped && (short === 0 || delivered === 0)) {
        this.options.onEnd?.();
        return;
      }
      if (delivered === 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, pollIntervalMs);
        });
        this.wake = null;
      }
    }
  }
}
