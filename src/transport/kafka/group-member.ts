/**
 * A consumer-group member's partitions, for ConsumeOptions.ownership on Kafka.
 *
 * The group (classic protocol, cooperative-sticky assignor) tells a member its partitions in
 * join/sync rounds; a partition moves from one member to another in two rounds: its old owner
 * gives it up in the first, and it is assigned to the new owner in a later generation, which the
 * old owner's next JoinGroup starts. The client applies each round's assignment and emits its
 * event synchronously BEFORE that next JoinGroup, so `sync()`, run from the event, forgets a
 * partition (the sink's `lost`: its staged batch is discarded) before anyone else can own it.
 * The client does not wait for application code in that window, so in-flight batches are
 * discarded, not finished; the next owner re-reads them.
 *
 * New partitions are only queued here (`takePending`): the subscription recovers them (the sink's
 * `assigned`) and reopens its stream at the recovered positions before any of their records is
 * delivered.
 *
 * `confirm()` asks the coordinator: an OffsetCommit carries this member's generation and id, and
 * the coordinator refuses it once the group has moved on without this member (session expired:
 * UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION). A commit it accepts proves the group had not given the
 * member's partitions to anyone else at that moment (that needs a later generation, which this
 * member's own rejoin starts after it forgot them).
 *
 * A new member id means the group dropped this member (its session expired during a pause or a
 * network cut) and it joined again as someone new. Partitions it held may have been another
 * worker's meanwhile, even those the group gives back to it (the cooperative assignor is sticky),
 * so all of them are lost at that moment and everything it holds in the new session is recovered
 * anew from the files. The client rejoins by itself: after a heartbeat is refused, and inside
 * `commit()`, which on UNKNOWN_MEMBER_ID rejoins and retries the commit under the new member id,
 * so a refusal seldom reaches `confirm()`; the member-id check is what catches it, in the join
 * event, before the retried commit can answer.
 */
import { FencedError, TransportError } from "../../errors";
import type { Logger } from "../../logger";
import type { Consumer } from "@platformatic/kafka";
import type { Ownership } from "../transport";
import { hasKafkaError, toTransportError } from "./errors";

/** Answers that say this member is no longer the group's (its partitions may be someone else's). */
const NOT_A_MEMBER = ["ILLEGAL_GENERATION", "UNKNOWN_MEMBER_ID", "FENCED_INSTANCE_ID", "STALE_MEMBER_EPOCH", "FENCED_MEMBER_EPOCH"];

type ClientConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;

export class GroupMember {
  /** Partitions handed to the owner (assigned() resolved), still ours. */
  readonly owned = new Set<number>();
  private readonly pending = new Set<number>();
  /** Taken from `pending`, being recovered by the owner (which may commit for them: completing a half-committed batch). */
  private readonly recovering = new Set<number>();
  /** Per partition, the offset confirm() commits: the caller's last checkpoint (group offsets are for lag monitoring). */
  private readonly checkpoints = new Map<number, number>();
  /** The member id this member's partitions were assigned under (null before the first join and after a leave). */
  private session: string | null = null;

  constructor(
    private readonly consumer: ClientConsumer,
    private readonly topic: string,
    private readonly ownership: Ownership,
    private readonly logger: Logger,
  ) {}

  /** This member's partitions of the topic as the client knows them now. */
  private assigned(): Set<number> {
    const mine = (this.consumer.assignments ?? []).find((a) => a.topic === this.topic);
    return new Set(mine?.partitions ?? []);
  }

  /** Applies the client's current assignment: forgets what is gone (synchronously), queues what is new. Returns true when something is queued. */
  sync(reason: string): boolean {
    const now = this.assigned();
    const member = this.consumer.memberId ?? null;
    // Dropped by the group and joined again: nothing held before is known to have stayed ours.
    const rejoined = this.session !== null && member !== this.session;
    this.session = member;
    if (rejoined) {
      this.forgetAll(`this member's session ended and it rejoined as a new member (${reason}): the group may have given them to others meanwhile`);
    } else {
      this.forget((p) => !now.has(p), `partitions reassigned by the group (${reason})`);
    }
    for (const p of now) if (!this.owned.has(p) && !this.recovering.has(p)) this.pending.add(p);
    return this.pending.size > 0;
  }

  /** Forgets the partitions `gone` selects; those already handed to the owner are reported lost. */
  private forget(gone: (p: number) => boolean, why: string): void {
    const handed = [...this.owned].filter(gone).sort((a, b) => a - b);
    for (const set of [this.owned, this.pending, this.recovering]) for (const p of [...set]) if (gone(p)) set.delete(p);
    for (const p of [...this.checkpoints.keys()]) if (gone(p)) this.checkpoints.delete(p);
    if (handed.length > 0) this.ownership.lost(handed, new FencedError(why, handed));
  }

  private forgetAll(why: string): void {
    this.forget(() => true, why);
  }

  /** The group no longer counts this member: everything it held is lost (its next join queues what it is given then). */
  leave(why: string): void {
    this.forgetAll(why);
    this.session = null;
  }

  /** Handed over on stop: nothing is owned any more (the group's leave event then reports nothing lost). */
  release(): number[] {
    const out = [...this.owned].sort((a, b) => a - b);
    this.owned.clear();
    this.pending.clear();
    this.recovering.clear();
    return out;
  }

  /** Partitions waiting to be recovered; clears the queue. */
  takePending(): number[] {
    const out = [...this.pending].sort((a, b) => a - b);
    this.pending.clear();
    for (const p of out) this.recovering.add(p);
    return out;
  }

  /** Marks recovered partitions as owned, unless the group took them away meanwhile (then they are queued again or gone). */
  own(partitions: readonly number[], from: ReadonlyMap<number, number>): number[] {
    const kept = partitions.filter((p) => this.recovering.has(p));
    for (const p of partitions) this.recovering.delete(p);
    for (const p of kept) {
      this.owned.add(p);
      this.checkpoints.set(p, from.get(p) ?? 0);
    }
    const dropped = partitions.filter((p) => !kept.includes(p));
    if (dropped.length > 0) this.ownership.lost(dropped, new FencedError("partitions reassigned while they were being recovered", dropped));
    return kept;
  }

  /** Remembers the caller's checkpoint (its group-offset commit) for later confirmations. */
  checkpoint(partition: number, offset: number): void {
    if (this.owned.has(partition)) this.checkpoints.set(partition, offset);
  }

  /** Resolves if the coordinator still counts this member in the generation that owns `partitions`. */
  async confirm(partitions: readonly number[]): Promise<void> {
    const strangers = partitions.filter((p) => !this.owned.has(p) && !this.recovering.has(p));
    if (strangers.length > 0) throw new FencedError(`partitions ${strangers.join(", ")} are not this member's`, strangers);
    const offsets = partitions.map((p) => ({ topic: this.topic, partition: p, offset: BigInt(this.checkpoints.get(p) ?? 0), leaderEpoch: -1 }));
    try {
      await this.consumer.commit({ offsets });
    } catch (error) {
      if (hasKafkaError(error, ...NOT_A_MEMBER)) {
        this.logger.warn("the group no longer counts this member: its batch is not committed", { topic: this.topic, partitions: [...partitions] });
        // The client's own retries gave up; its next join (a new session) queues what it is given then.
        this.leave("the group no longer counts this member");
        throw new FencedError(`the group moved on without this member (${toTransportError("commit", error).message})`, partitions, undefined, { cause: error });
      }
      // A rebalance in progress, or connection trouble: the commit tries again (and asks again).
      const mapped = toTransportError(`confirm ownership of ${this.topic} partitions ${partitions.join(", ")}`, error);
      throw hasKafkaError(error, "REBALANCE_IN_PROGRESS") ? new TransportError(mapped.message, { cause: error, retriable: true }) : mapped;
    }
  }
}
