/**
 * A sink worker's consumer-group membership (src/transport/kafka/group-member.ts) against a fake
 * client: what it hands to the owner and what it reports lost as the client's assignment and
 * member id change. The real group is exercised in test/stack/sink-workers.stack.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Consumer } from "@platformatic/kafka";
import { FencedError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { GroupMember } from "../../src/transport/kafka/group-member";
import type { Ownership } from "../../src/transport";

/** The parts of the client GroupMember reads: its assignment, its member id, and commit(). */
class FakeClient {
  assignments: { topic: string; partitions: number[] }[] | null = null;
  memberId: string | null = null;
  commits: { partition: number; offset: bigint }[][] = [];
  refuse: string | null = null;

  join(memberId: string, partitions: number[]): void {
    this.memberId = memberId;
    this.assignments = [{ topic: "events", partitions }];
  }

  commit(request: { offsets: { partition: number; offset: bigint }[] }): Promise<void> {
    if (this.refuse) {
      const error = Object.assign(new Error("refused"), { apiId: this.refuse, code: 25 });
      return Promise.reject(Object.assign(new Error("commit failed"), { errors: [error] }));
    }
    this.commits.push(request.offsets.map(({ partition, offset }) => ({ partition, offset })));
    return Promise.resolve();
  }
}

function member(): { client: FakeClient; member: GroupMember; lost: number[][]; reasons: string[] } {
  const client = new FakeClient();
  const lost: number[][] = [];
  const reasons: string[] = [];
  const ownership: Ownership = {
    assigned: () => Promise.resolve(new Map()),
    revoked: () => Promise.resolve(),
    lost: (partitions, reason) => {
      lost.push([...partitions]);
      reasons.push(reason.message);
    },
  };
  const m = new GroupMember(client as unknown as Consumer<Buffer, Buffer, Buffer, Buffer>, "events", ownership, silentLogger);
  return { client, member: m, lost, reasons };
}

/** Joins, takes the queued partitions and owns them as recovered at `from`. */
function own(m: GroupMember, from: Record<number, number> = {}): number[] {
  const taken = m.takePending();
  return m.own(taken, new Map(Object.entries(from).map(([p, o]) => [Number(p), o])));
}

/** A member that joined as m-1 and owns `partitions`, recovered at `from`. */
function owning(partitions: number[], from: Record<number, number> = {}): ReturnType<typeof member> {
  const joined = member();
  joined.client.join("m-1", partitions);
  joined.member.sync("join");
  own(joined.member, from);
  return joined;
}

describe("a sink worker's consumer-group membership", () => {
  it("queues the partitions of its first assignment for recovery and owns them once recovered", () => {
    const { client, member: m, lost } = member();
    client.join("m-1", [0, 2]);
    assert.equal(m.sync("join"), true);
    assert.deepEqual(own(m, { 0: 5, 2: 9 }), [0, 2]);
    assert.deepEqual([...m.owned].sort(), [0, 2]);
    assert.deepEqual(lost, []);
  });

  it("reports a partition the group takes away as lost, and queues only what is new", () => {
    const { client, member: m, lost } = owning([0, 1]);
    client.join("m-1", [1, 3]);
    assert.equal(m.sync("rebalance"), true);
    assert.deepEqual(lost, [[0]]);
    assert.deepEqual(m.takePending(), [3]);
    assert.deepEqual([...m.owned], [1]);
  });

  it("keeps its partitions through a rebalance that leaves its share alone", () => {
    const { client, member: m, lost } = owning([0, 1]);
    client.join("m-1", [0, 1]);
    assert.equal(m.sync("join"), false);
    assert.deepEqual(lost, []);
    assert.deepEqual([...m.owned].sort(), [0, 1]);
  });

  it("loses every partition when it rejoins under a new member id, even those given back, and recovers them anew", () => {
    const { client, member: m, lost, reasons } = owning([0, 1, 2]);
    // Frozen past the session timeout: the group dropped it; it joins again and the sticky assignor gives it 1 and 2 back.
    client.join("m-2", [1, 2]);
    assert.equal(m.sync("join"), true);
    assert.deepEqual(lost, [[0, 1, 2]]);
    assert.match(reasons[0], /rejoined as a new member/);
    assert.deepEqual([...m.owned], []);
    assert.deepEqual(m.takePending(), [1, 2]);
  });

  it("drops partitions being recovered when it rejoins under a new member id, and queues them again", () => {
    const { client, member: m, lost } = member();
    client.join("m-1", [4]);
    m.sync("join");
    const taken = m.takePending();
    client.join("m-2", [4]);
    m.sync("join");
    // The recovery that started in the old session finishes: it is not kept, and is reported lost.
    assert.deepEqual(m.own(taken, new Map([[4, 7]])), []);
    assert.deepEqual(lost, [[4]]);
    assert.deepEqual(m.takePending(), [4]);
  });

  it("refuses to confirm partitions it does not own", async () => {
    const { client, member: m } = owning([0]);
    await assert.rejects(m.confirm([0, 1]), (e: unknown) => e instanceof FencedError && /1 are not this member's/.test(e.message));
    assert.deepEqual(client.commits, []);
  });

  it("confirms owned partitions with an OffsetCommit of their last checkpoints", async () => {
    const { client, member: m } = owning([0, 1], { 0: 3, 1: 4 });
    m.checkpoint(1, 10);
    await m.confirm([0, 1]);
    assert.deepEqual(client.commits, [[{ partition: 0, offset: 3n }, { partition: 1, offset: 10n }]]);
  });

  it("loses everything when the coordinator says it is no longer a member, and takes its next assignment as new", async () => {
    const { client, member: m, lost } = owning([0, 1]);
    client.refuse = "UNKNOWN_MEMBER_ID";
    await assert.rejects(m.confirm([0]), FencedError);
    assert.deepEqual(lost, [[0, 1]]);
    assert.deepEqual([...m.owned], []);
    client.refuse = null;
    client.join("m-1", [0, 1]);
    assert.equal(m.sync("join"), true);
    assert.deepEqual(m.takePending(), [0, 1]);
  });

  it("hands everything over on release and reports nothing lost when the group then lets it go", () => {
    const { client, member: m, lost } = owning([0, 1]);
    assert.deepEqual(m.release(), [0, 1]);
    client.assignments = [];
    client.memberId = null;
    assert.equal(m.sync("leave"), false);
    assert.deepEqual(lost, []);
  });
});
