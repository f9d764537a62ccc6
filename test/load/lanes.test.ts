import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixedLanes, streamingLanes, type Lanes } from "../../src/load/lanes";
import { openScenario, planRequests } from "../../src/load";
import type { PlannedRequest } from "../../src/load";
import { catalog } from "./helpers";

const cat = catalog();
const plan = planRequests({ scenario: "players", catalog: cat, players: 120, seed: 11 }, 3000);

function drain(lanes: Lanes, perLane?: number): PlannedRequest[][] {
  return Array.from({ length: lanes.count }, (_, lane) => {
    const out: PlannedRequest[] = [];
    for (let r = lanes.next(lane); r; r = out.length < (perLane ?? Infinity) ? lanes.next(lane) : undefined) out.push(r);
    return out;
  });
}

function assertOwnedInOrder(lanes: PlannedRequest[][]): void {
  const owner = new Map<string, number>();
  lanes.forEach((lane, i) => {
    for (const r of lane) {
      assert.equal(owner.get(r.player) ?? i, i, `${r.player} is in two lanes`);
      owner.set(r.player, i);
    }
    const seqs = lane.map((r) => r.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "a lane keeps sequence order");
  });
}

describe("lanes", () => {
  it("deal every request of a fixed plan exactly once, each player to one lane, in sequence order", () => {
    const lanes = fixedLanes(plan, 8);
    assert.equal(lanes.count, 8);
    const drained = drain(lanes);
    assert.deepEqual(drained.map((l) => l.length), lanes.sizes);
    assert.deepEqual(drained.flat().map((r) => r.seq).sort((a, b) => a - b), plan.map((r) => r.seq));
    assertOwnedInOrder(drained);
  });

  it("balance fixed lanes (busiest players first)", () => {
    const sizes = fixedLanes(plan, 8).sizes ?? [];
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= Math.max(...sizes) * 0.25, `sizes ${sizes.join(",")}`);
  });

  it("never open more lanes than there are players", () => {
    const reference = planRequests({ scenario: "reference", catalog: cat }, 32);
    assert.equal(fixedLanes(reference, 64).count, 5);
  });

  it("stream an endless sequence with each player in one lane and lanes in sequence order", () => {
    const { sequence } = openScenario({ scenario: "players", catalog: cat, players: 50, seed: 4 });
    const lanes = streamingLanes(sequence, 6, 50);
    const drained = drain(lanes, 300);
    assert.ok(drained.every((l) => l.length === 300));
    assertOwnedInOrder(drained);
  });
});
