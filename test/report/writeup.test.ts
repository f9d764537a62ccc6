import { test } from "node:test";
import assert from "node:assert/strict";
import type { RunRecord } from "../../src/pipeline";
import { assembleWriteup, writeupHeader } from "../../src/report/writeup";

const run: RunRecord = {
  stack: "real", transport: "kafka", storage: "hdfs", query: "trino",
  startedAt: "2026-11-27T19:00:00.000Z", finishedAt: "2026-11-27T19:05:00.000Z",
  loads: [
    { scenario: "players", requests: 20000, seed: 42, players: 1000, requestsPerSec: 150, exact: true },
    { scenario: "reference", requests: 96, seed: 42, players: 4, requestsPerSec: 70, exact: true },
  ],
  truth: { tables: {}, items: {}, players: {}, guilds: {}, events: { total: 0, byType: {} } },
};

test("the header says which stack and which data produced the write-up", () => {
  const header = writeupHeader(run, new Date("2026-11-27T19:06:00Z"));
  assert.match(header, /^# Project 3: Understanding User Behavior/);
  assert.match(header, /on 2026-11-27 19:06 UTC, on the real stack \(Kafka, HDFS with WebHDFS, Hive Metastore, Trino\)/);
  assert.match(header, /20000 requests of the `players` scenario \(seed 42\), then 96 requests of the `reference` scenario/);
  assert.doesNotMatch(header, /embedded default, not the real stack/);
});

test("an embedded run says it is not from the real stack", () => {
  const header = writeupHeader({ ...run, stack: "embedded", transport: "embedded", storage: "local", query: "duckdb" }, new Date());
  assert.match(header, /This run used the embedded default, not the real stack/);
});

test("the parts follow the header, separated by rules", () => {
  const text = assembleWriteup(run, ["# Part 1\n", "# Part 2\n"], new Date());
  assert.ok(text.indexOf("# Part 1") > text.indexOf("Produced by"));
  assert.ok(text.indexOf("# Part 2") > text.indexOf("# Part 1"));
  assert.equal(text.split("\n---\n").length, 3);
});
