/**
 * Batch mode on real Kafka makes no fetch that waits and joins no consumer group (issue 18): the
 * behaviour that took the dead time out of a batch run, asserted on what the transport asked the
 * broker (its debug log of fetches) and on the group as the broker describes it, not on a wall time.
 * What bounds its memory and its fixed cost, likewise: every fetch asks for at most
 * KAFKA_FETCH_MAX_BYTES, and a run over an empty increment opens no Parquet writer (loads no DuckDB).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { Admin } from "@platformatic/kafka";
import { toWire } from "../../src/events";
import { createLogger, type LogLine } from "../../src/logger";
import { runSink } from "../../src/sink";
import { createStorage } from "../../src/storage";
import { createTransport, type Offsets } from "../../src/transport";
import { clientOptions } from "../../src/transport/kafka/client-options";
import { ensureStack, stackConfig } from "../stack/stack";
import { sampleEvent } from "./fixtures";
import { tempDataDir } from "./helpers";

interface Fetch {
  maxWaitMs: number;
  maxBytes: number;
  partitionMaxBytes: number;
  partitions: { partition: number; offset: number; bound: number }[];
}

/** The bounded reads' fetches, from their debug lines: `<partition>:<fetch offset>-<bound>` per partition asked for. */
function fetches(lines: readonly LogLine[]): Fetch[] {
  return lines
    .filter((l) => l.msg === "fetch" && typeof l.partitions === "string")
    .map((l) => ({
      maxWaitMs: Number(l.maxWaitMs),
      maxBytes: Number(l.maxBytes),
      partitionMaxBytes: Number(l.partitionMaxBytes),
      partitions: String(l.partitions)
        .split(" ")
        .map((p) => {
          const [partition, range] = p.split(":");
          const [offset, bound] = range.split("-").map(Number);
          return { partition: Number(partition), offset, bound };
        }),
    }));
}

/** No fetch may wait: the broker may not hold it, and it asks only below the end offsets taken at the start. */
function assertNoFetchWaits(asked: Fetch[], ends: Offsets): void {
  for (const request of asked) {
    assert.equal(request.maxWaitMs, 0);
    for (const p of request.partitions) {
      assert.ok(p.offset < p.bound, `fetched partition ${p.partition} at ${p.offset}, at or past its bound ${p.bound}`);
      assert.ok(p.bound <= ends.get(p.partition)!, `bound ${p.bound} of partition ${p.partition} past its end offset ${ends.get(p.partition)}`);
    }
  }
}

/** Every fetch asks for at most `limit` bytes, all partitions together. */
function assertFetchBound(asked: Fetch[], limit: number): void {
  for (const request of asked) {
    assert.equal(request.maxBytes, limit);
    assert.ok(request.partitionMaxBytes * request.partitions.length <= limit, `${request.partitions.length} partitions x ${request.partitionMaxBytes} bytes past the fetch bound ${limit}`);
  }
}

/** A run of its own on the stack: fresh topic, group and HDFS warehouse, local data folder. */
function runConfig(extra: Record<string, string> = {}) {
  const id = randomUUID().slice(0, 8);
  return stackConfig({
    DATA_DIR: tempDataDir("stack-batch-"),
    STORAGE: "hdfs",
    EVENTS_TOPIC: `batch-${id}`,
    WAREHOUSE_DIR: `/tmp/sink-batch-${id}`,
    SINK_GROUP: `batch-${id}`,
    SINK_METRICS_PORT: "0",
    ...extra,
  });
}

describe("sink batch mode on Kafka", () => {
  it("reads up to the end offsets taken at its start with no group join, no fetch that waits and none past the fetch bound, and reads nothing new nor opens a writer for an empty increment", { timeout: 5 * 60_000 }, async () => {
    await ensureStack(["kafka", "hdfs"]);
    // A small bound: the 1,000 events (~300 KB) take several rounds.
    const fetchBytes = 64 * 1024;
    const config = runConfig({ TOPIC_PARTITIONS: "2", KAFKA_FETCH_MAX_BYTES: String(fetchBytes) });
    const lines: LogLine[] = [];
    const logger = createLogger({ level: "debug", write: (line) => lines.push(line) });
    const transport = await createTransport(config.transport, logger);
    const storage = createStorage(config.storage);
    try {
      await transport.ensureTopic(config.transport.topic, { partitions: 2 });
      const producer = await transport.producer();
      const events = Array.from({ length: 1000 }, (_, i) => sampleEvent(i, 7));
      // Sent 50 at a time: record batches of ~15 KB, so the bound (not the size of one batch) sets how much a fetch returns.
      for (let i = 0; i < events.length; i += 50) {
        await producer.send(config.transport.topic, events.slice(i, i + 50).map((e) => ({ key: e.player_id, value: toWire(e) })));
      }
      await producer.close();
      const ends = await transport.endOffsets(config.transport.topic);

      const first = await runSink({ config, transport, storage, logger, mode: "batch" });
      assert.equal(first.records, 1000);
      const asked = fetches(lines);
      assert.ok(asked.length > 0, "the increment was fetched");
      assertNoFetchWaits(asked, ends);
      assertFetchBound(asked, fetchBytes);
      assert.ok(asked.length >= 3, `1,000 events in ${asked.length} fetches of at most ${fetchBytes} bytes`);
      assert.deepEqual(new Set(asked.flatMap((f) => f.partitions.map((p) => p.bound))), new Set(ends.values()), "read up to the end offsets taken at the start");
      assert.ok(lines.some((l) => l.msg === "writer open"), "the increment was written by a Parquet writer");

      lines.length = 0;
      const again = await runSink({ config, transport, storage, logger, mode: "batch" });
      assert.equal(again.records, 0);
      // Recovery re-reads each partition's last committed batch (to check its files); nothing past it is asked for.
      assertNoFetchWaits(fetches(lines), ends);
      assertFetchBound(fetches(lines), fetchBytes);
      assert.ok(!lines.some((l) => l.msg === "writer open"), "no Parquet writer opened for an empty increment");
      const assigned = lines.find((l) => l.msg === "partitions assigned");
      assert.deepEqual(assigned?.from, Object.fromEntries([...ends].map(([p, end]) => [String(p), end])), "the bounded subscription starts at the end: nothing to read");

      // The group only ever received offsets (lag monitoring); no consumer joined it.
      const admin = new Admin(clientOptions(config.transport.kafka));
      try {
        const group = (await admin.describeGroups({ groups: [config.sink.groupId] })).get(config.sink.groupId);
        assert.equal(group?.members.size ?? 0, 0);
        assert.equal(group?.protocolType ?? "", "");
      } finally {
        await admin.close();
      }
    } finally {
      await storage.delete(config.storage.warehouse).catch(() => undefined);
      await transport.close();
    }
  });
  it("refuses to write while a streaming member holds the group's partitions", { timeout: 5 * 60_000 }, async () => {
    await ensureStack(["kafka", "hdfs"]);
    const config = runConfig();
    const logger = createLogger({ level: "warn", write: () => undefined });
    const transport = await createTransport(config.transport, logger);
    const storage = createStorage(config.storage);
    try {
      await transport.ensureTopic(config.transport.topic, { partitions: 1 });
      const producer = await transport.producer();
      await producer.send(config.transport.topic, [{ key: "p", value: toWire(sampleEvent(0, 7)) }]);
      await producer.close();
      // A live member of SINK_GROUP, as a streaming sink would be.
      const member = await transport.consume({ topic: config.transport.topic, groupId: config.sink.groupId, from: new Map(), onBatch: async () => undefined });
      try {
        await assert.rejects(runSink({ config, transport, storage, logger, mode: "batch" }), /live member/);
      } finally {
        await member.stop();
      }
    } finally {
      await storage.delete(config.storage.warehouse).catch(() => undefined);
      await transport.close();
    }
  });
});
