import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatTimeline, parseTimeline } from "../../bench/reference/lib/timeline";

describe("sink run timeline", () => {
  const start = Date.UTC(2026, 11, 2, 23, 59, 59, 500);
  const log = [
    "23:59:59.900 DEBUG sink:timeline: topic ready",
    "00:00:00.100 INFO  sink:recovery: recovered position from committed files files=0 next={} repaired=0",
    "00:00:00.200 DEBUG kafka:ConsumerGroup: Consumer has joined the group groupId=g memberId=m leaderId=m",
    "00:00:00.300 DEBUG sink:timeline: first records partition=1 count=2000",
    "00:00:00.400 DEBUG sink:loop: rolling reason=rows records=50000",
    "00:00:00.500 DEBUG sink:commit: built offsets=0:0-24999 1:0-24999 files=7",
    "00:00:00.600 DEBUG kafka:Connection: Request Fetch(key: 1, version: 11) broker=b",
    "{\"mode\":\"batch\"}",
  ].join("\n");

  it("keeps the steps, in order, in seconds since the start, across midnight UTC", () => {
    const entries = parseTimeline(log, start);
    assert.deepEqual(entries.map((e) => Math.round(e.at * 10) / 10), [0.4, 0.6, 0.7, 0.8, 0.9, 1]);
    assert.deepEqual(entries.map((e) => e.what), [
      "topic ready",
      "recovered the position from the committed files (next={})",
      "Kafka consumer joined its group",
      "first records (partition=1 count=2000)",
      "roll: 50000 records sealed (rows)",
      "batch 0:0-24999 1:0-24999: built",
    ]);
  });

  it("formats a markdown table ending with the exit", () => {
    const table = formatTimeline([{ at: 0.25, what: "topic ready" }], 1.5);
    assert.equal(table, "| at s | what |\n| --- | --- |\n| +0.25 | topic ready |\n| +1.50 | process exited |");
  });
});
