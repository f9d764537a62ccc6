import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planCompaction } from "../../src/sink/compaction-plan";
import { findSuperseded, isCovered, planRecovery, type CommittedFile } from "../../src/sink/recovery-plan";

const f = (table: string, dt: string, partition: number, start: number, end: number, topic = "events"): CommittedFile => ({
  table, dt, path: `/w/${table}/dt=${dt}/${start}-${end}`, range: { topic, partition, start, end },
});

describe("recovery from committed files", () => {
  it("resumes each partition after the highest committed offset in any table", () => {
    const plan = planRecovery([
      f("events", "2026-11-26", 0, 0, 99), f("events", "2026-11-26", 0, 100, 199),
      f("dead_letters", "2026-11-27", 0, 200, 249), f("events", "2026-11-26", 1, 0, 9),
    ], "events");
    assert.deepEqual([...plan.next].sort(), [[0, 250], [1, 10]]);
    assert.deepEqual(plan.last.get(0), { topic: "events", partition: 0, start: 200, end: 249 });
  });

  it("starts from nothing when no table has files, and ignores other topics", () => {
    assert.equal(planRecovery([], "events").next.size, 0);
    assert.equal(planRecovery([f("events", "d", 0, 0, 5, "other")], "events").next.size, 0);
  });

  it("finds a batch committed in some tables only as the last batch, to be completed", () => {
    const files = [f("events", "d", 0, 0, 99), f("guilds", "d", 0, 0, 99), f("guilds", "d", 0, 100, 199)];
    const plan = planRecovery(files, "events");
    assert.deepEqual(plan.last.get(0), { topic: "events", partition: 0, start: 100, end: 199 });
    assert.equal(isCovered(files, "events", "d", plan.last.get(0)!), false);
    assert.equal(isCovered(files, "guilds", "d", plan.last.get(0)!), true);
  });

  it("treats a compacted file as covering the ranges it merged", () => {
    const files = [f("events", "d", 0, 0, 299)];
    assert.equal(isCovered(files, "events", "d", { topic: "events", partition: 0, start: 100, end: 199 }), true);
    assert.equal(isCovered(files, "events", "other-dt", { topic: "events", partition: 0, start: 100, end: 199 }), false);
  });

  it("marks compaction inputs left next to their merged file as superseded, and keeps the rest", () => {
    const merged = f("events", "d", 0, 0, 299);
    const inputs = [f("events", "d", 0, 0, 99), f("events", "d", 0, 200, 299)];
    const other = [f("events", "d", 0, 300, 399), f("events", "d", 1, 0, 99), f("guilds", "d", 0, 0, 99)];
    const superseded = findSuperseded([...inputs, merged, ...other]);
    assert.deepEqual(new Set(superseded), new Set(inputs));
    const plan = planRecovery([...inputs, merged, ...other], "events");
    assert.equal(plan.next.get(0), 400);
    assert.deepEqual(plan.last.get(0), other[0].range);
  });
});

describe("compaction plan", () => {
  it("merges a partition's files into one named by the covered range, leaving the latest batch alone", () => {
    const files = [
      f("events", "d", 0, 0, 9), f("events", "d", 0, 10, 19), f("events", "d", 0, 30, 39),
      f("dead_letters", "e", 0, 20, 29), f("events", "d", 0, 40, 49),
    ];
    const plans = planCompaction(files, "events");
    assert.equal(plans.length, 1);
    assert.equal(plans[0].table, "events");
    assert.deepEqual(plans[0].range, { topic: "events", partition: 0, start: 0, end: 39 });
    assert.equal(plans[0].inputs.length, 3);
    assert.equal(plans[0].name, "events+0+00000000000000000000+00000000000000000039.parquet");
  });

  it("never merges across tables, dt folders or source partitions, and skips single files", () => {
    const files = [f("events", "d", 0, 0, 9), f("events", "e", 0, 10, 19), f("events", "d", 1, 0, 9), f("guilds", "d", 0, 20, 29), f("x", "d", 0, 90, 99)];
    assert.deepEqual(planCompaction(files, "events"), []);
  });

  it("honours the table and dt filters", () => {
    const files = [f("events", "d", 0, 0, 9), f("events", "d", 0, 10, 19), f("guilds", "d", 0, 0, 9), f("guilds", "d", 0, 10, 19), f("x", "d", 0, 90, 99)];
    assert.deepEqual(planCompaction(files, "events", { table: "guilds" }).map((p) => p.table), ["guilds"]);
    assert.deepEqual(planCompaction(files, "events", { dt: "zzz" }), []);
  });
});
