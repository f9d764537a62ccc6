/**
 * A @platformatic/kafka consumer behind the Subscription interface. The group is used for
 * partition assignment only: auto-commit is off and every partition starts at the position this
 * subscription tracks (ConsumeOptions.from at first, earliest for partitions not listed), so the
 * caller's own checkpoint decides where reading starts, not the group's committed offsets.
 *
 * Batches of one partition come from the client's message stream (./stream-batches.ts); the next
 * is read only once onBatch has settled (backpressure). A stream that fails with a retriable error
 * (a broker restart outlasting the client's retries) is reopened at the tracked positions; any
 * other error ends the subscription.
 *
 * With ConsumeOptions.ownership the subscription is a sink worker's membership (group-member.ts):
 * partitions the group gives it are recovered by the owner (`assigned`) while the stream's records
 * of them are dropped, then the stream is reopened at the recovered positions; partitions the group
 * takes away are forgotten at once (`lost`). On stop it hands its partitions over (`revoked`, which
 * commits what is staged) while still a member, then leaves the group.
 */
import type { Consumer } from "@platformatic/kafka";
import { describeError } from "../../errors";
import { MessagesStreamFallbackModes, MessagesStreamModes } from "./client";
import type { Logger } from "../../logger";
import { yieldToEventLoop } from "../event-loop";
import type { ConsumeOptions, Offsets, Subscription } from "../transport";
import { closeClient } from "./close-client";
import { hasKafkaError, toTransportError } from "./errors";
import { GroupMember } from "./group-member";
import { StreamBatches } from "./stream-batches";

type ClientConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;

/** Pause before reopening a stream that failed with a retriable error. */
const REOPEN_DELAY_MS = 1000;
/** How long start() waits for a group coordinator that is still loading. */
const COORDINATOR_WAIT_MS = 30_000;
const COORDINATOR_NOT_READY = ["NOT_COORDINATOR", "COORDINATOR_LOAD_IN_PROGRESS", "COORDINATOR_NOT_AVAILABLE"];

export class KafkaSubscription implements Subscription {
  /** Next offset to hand out per partition; absent: earliest. */
  private readonly positions = new Map<number, number>();
  private reader: StreamBatches | null = null;
  private pumping: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  private failed = false;
  /** Set when the client lost the group membership for good: the stream is closed and opened again (a join). */
  private rejoin: Error | null = null;
  /** With ConsumeOptions.ownership: the partitions this member owns. */
  private readonly member: GroupMember | null;

  constructor(
    private readonly consumer: ClientConsumer,
    private readonly options: ConsumeOptions,
    private readonly logger: Logger,
    private readonly onStopped: () => void,
  ) {
    for (const [partition, offset] of options.from) this.positions.set(partition, offset);
    // The client reports on the consumer itself what it cannot retry any more (a rejoin after a
    // refused heartbeat that failed for good): unheard, that 'error' event would end the process.
    // The member is out of the group then: it forgets its partitions and joins again (a new stream
    // joins), or, if the cause cannot be retried (refused credentials...), ends the subscription.
    consumer.on("error", (error: Error) => {
      if (this.stopping || this.failed) {
        // Closing cuts the connections under a rejoin still in flight: nothing is owned any more.
        this.logger.debug("consumer error while stopping", { error: error.message });
        return;
      }
      const mapped = toTransportError(`keep the membership of group ${this.options.groupId}`, error);
      if (!mapped.retriable) {
        this.fail(mapped);
        return;
      }
      this.logger.warn("the consumer lost its group membership: joining again", { topic: this.options.topic, error: mapped.message });
      this.member?.leave(`the consumer lost its group membership (${mapped.message})`);
      this.rejoin = mapped;
      this.reader?.interrupt();
    });
    this.member = options.ownership ? new GroupMember(consumer, options.topic, options.ownership, logger) : null;
    if (this.member) {
      // Emitted synchronously as the client applies a round's assignment, before its next JoinGroup.
      for (const event of ["consumer:group:join", "consumer:group:rebalance", "consumer:group:leave"] as const) {
        consumer.on(event, () => {
          if (this.member!.sync(event)) this.reader?.interrupt();
        });
      }
    }
  }

  async confirmOwnership(partitions: readonly number[]): Promise<void> {
    await this.member?.confirm(partitions);
  }

  /**
   * Joins the group and opens the stream: fails when the broker cannot be reached or refuses us.
   * A fresh cluster's group coordinator takes longer to load than the client retries (its
   * __consumer_offsets topic is created on first use), so those answers are waited out, up to
   * COORDINATOR_WAIT_MS.
   */
  async start(): Promise<void> {
    const deadline = Date.now() + COORDINATOR_WAIT_MS;
    for (;;) {
      try {
        this.reader = await this.open();
        break;
      } catch (error) {
        if (!hasKafkaError(error, ...COORDINATOR_NOT_READY) || Date.now() > deadline) throw error;
        this.logger.debug("group coordinator not ready yet, retrying", { topic: this.options.topic });
        await new Promise((resolve) => setTimeout(resolve, REOPEN_DELAY_MS));
      }
    }
    this.pumping = this.pump();
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      this.reader?.interrupt();
      this.stopping = (async () => {
        await this.pumping;
        if (this.member && this.member.owned.size > 0 && !this.failed) {
          // Still a member: the last batches commit under this member's generation.
          await this.options.ownership!.revoked([...this.member.owned].sort((a, b) => a - b)).catch((error: unknown) => {
            this.logger.warn("handing the partitions over failed", { error: String(error) });
          });
        }
        this.member?.release();
        await this.closeReader(this.reader);
        await closeClient(this.consumer, () => this.consumer.close(true), this.logger, "consumer");
        // Offsets committed from here on go through the admin client: the member has left.
        this.onStopped();
      })();
    }
    return this.stopping;
  }

  /** Commits a group position through this live member (the group refuses commits from others). */
  async commit(offsets: Offsets): Promise<void> {
    const { topic } = this.options;
    for (const [partition, offset] of offsets) this.member?.checkpoint(partition, offset);
    await this.consumer.commit({ offsets: [...offsets].map(([partition, offset]) => ({ topic, partition, offset: BigInt(offset), leaderEpoch: -1 })) });
  }

  private async open(): Promise<StreamBatches> {
    const { topic, maxBatch } = this.options;
    const stream = await this.consumer.consume({
      topics: [topic],
      mode: MessagesStreamModes.MANUAL,
      offsets: [...this.positions].map(([partition, offset]) => ({ topic, partition, offset: BigInt(offset) })),
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      autocommit: false,
      highWaterMark: maxBatch ?? 10_000,
    });
    return new StreamBatches(stream);
  }

  private async pump(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 10_000;
    while (!this.stopping && !this.failed) {
      if (this.rejoin) {
        const cause = this.rejoin;
        this.rejoin = null;
        // Closing the topic's last stream lets the next one join the group anew.
        await this.closeReader(this.reader);
        await this.reopen(cause);
        continue;
      }
      if (this.member) {
        const added = this.member.takePending();
        if (added.length > 0) {
          await this.takeOver(added);
          continue;
        }
      }
      const reader = this.reader!;
      const read = reader.read(maxBatch);
      if (read === null) {
        if (reader.ended) await this.reopen(reader.error);
        else await reader.waitForMore();
        continue;
      }
      // A member delivers only what it owns: records of a partition being recovered, or already gone, are dropped.
      if (this.member && !this.member.owned.has(read[0].partition)) continue;
      // Records before the tracked position can only be a reopened stream's overlap: skip them.
      const position = this.positions.get(read[0].partition) ?? 0;
      const batch = read[0].offset >= position ? read : read.filter((r) => r.offset >= position);
      if (batch.length === 0) continue;
      try {
        await this.options.onBatch(batch);
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const last = batch[batch.length - 1];
      this.positions.set(last.partition, last.offset + 1);
      await yieldToEventLoop();
    }
  }

  /**
   * Newly assigned partitions: the owner recovers them (their records meanwhile are dropped), then
   * a new stream starts every owned partition at its position and replaces the old one (opened
   * first: the client rejoins the group when the last stream of a topic closes).
   */
  private async takeOver(partitions: number[]): Promise<void> {
    const member = this.member!;
    let from: Offsets;
    try {
      from = await this.options.ownership!.assigned(partitions, this);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    for (const p of member.own(partitions, from)) {
      const next = from.get(p);
      if (next === undefined) this.positions.delete(p);
      else this.positions.set(p, next);
    }
    const old = this.reader;
    try {
      this.reader = await this.open();
    } catch (error) {
      await this.closeReader(old);
      await this.reopen(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    await this.closeReader(old);
  }

  /** Closes a message stream; its connections are the consumer's, so closeClient still sweeps them if this fails. */
  private async closeReader(reader: StreamBatches | null | undefined): Promise<void> {
    await reader?.close().catch((error: unknown) => {
      this.logger.warn("closing the message stream failed", { error: describeError(toTransportError(`close the stream of ${this.options.topic}`, error)) });
    });
  }

  /** The stream failed: reopen it at the tracked positions if the failure is retriable, else give up. */
  private async reopen(cause: Error | null): Promise<void> {
    const error = toTransportError(`consume from ${this.options.topic}`, cause ?? new Error("the message stream ended"));
    if (!error.retriable) {
      this.fail(error);
      return;
    }
    this.logger.warn("consuming interrupted, reopening", { topic: this.options.topic, error: error.message });
    while (!this.stopping) {
      await new Promise((resolve) => setTimeout(resolve, REOPEN_DELAY_MS));
      if (this.stopping) return;
      try {
        this.reader = await this.open();
        return;
      } catch (reopenError) {
        const mapped = toTransportError(`consume from ${this.options.topic}`, reopenError);
        if (!mapped.retriable) {
          this.fail(mapped);
          return;
        }
        this.logger.warn("reopening the stream failed, retrying", { error: mapped.message });
      }
    }
  }

  /** Consuming failed for good: report once, then stop. */
  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.logger.warn("consuming stopped after an error", { topic: this.options.topic, error: error.message });
    this.options.onError?.(error);
    setImmediate(() => void this.stop());
  }
}
