/**
 * The race after the ownership check, on Kafka and HDFS: a sink worker is frozen (SIGSTOP) between
 * the group coordinator's "yes, yours" and its renames, stays frozen past its session timeout, and
 * a successor in the same group takes its partitions over, cutting batches at other offsets, and
 * lands everything. Then the frozen worker wakes up and tries its renames. The successor's fencing
 * move (it moved the partitions' temp folders away before listing) must leave the late renames
 * nothing to rename: every event exactly once, read back from HDFS with DuckDB.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig } from "../../src/config";
import { createStorage } from "../../src/storage";
import { assertExactlyOnce } from "../sink/expect";
import { fillLog, mirrorWarehouse, readTable, tempDataDir } from "../sink/helpers";
import { killSinkProcesses, SinkProcess, until } from "../sink/sink-process";
import { ensureStack, stackEnv } from "./stack";

after(killSinkProcesses);

const SESSION_TIMEOUT_MS = 6000;

describe("fencing a sink worker frozen after its ownership check, on Kafka and HDFS", () => {
  it("lands each event exactly once when the frozen worker wakes up after a successor took its partitions and cut other batches", async () => {
    await ensureStack(["kafka", "hdfs"]);
    const id = `fence-${randomUUID().slice(0, 8)}`;
    const dataDir = tempDataDir(`${id}-`);
    const env: Record<string, string> = {
      ...stackEnv(),
      PIPELINE_STACK: "real",
      DATA_DIR: dataDir,
      EVENTS_TOPIC: id,
      TOPIC_PARTITIONS: "2",
      WAREHOUSE_DIR: `/${id}`,
      SINK_GROUP: id,
      SINK_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      SINK_ROLL_INTERVAL_MS: "500",
      SINK_METRICS_PORT: "0",
      LOG_LEVEL: "info",
    };
    const config = loadConfig(env, dataDir);
    const filled = await fillLog(config, 1500, { badEvery: 173, partitions: 2 });

    // Frozen on its second batch: its files are uploaded and the coordinator accepted its commit.
    const frozen = new SinkProcess(["--mode", "stream", "--no-register"], {
      ...env, SINK_ROLL_ROWS: "400", SINK_FAULT: "after-ownership-check", SINK_FAULT_AFTER: "2", SINK_FAULT_SIGNAL: "SIGSTOP",
    });
    await frozen.waitFrozen(60_000);

    // The group drops the frozen worker after its session timeout; the successor then owns both
    // partitions and cuts batches at other offsets, so a late file would overlap, not coincide.
    const successor = new SinkProcess(["--mode", "stream", "--no-register"], { ...env, SINK_ROLL_ROWS: "170" });
    const storage = createStorage(config.storage);
    const mirror = loadConfig({ ...env, PIPELINE_STACK: "embedded", STORAGE: "local", WAREHOUSE_DIR: path.join(dataDir, "mirror") }, dataDir);
    const landed = async () => {
      await mirrorWarehouse(storage, mirror.storage.warehouse);
      const events = await readTable(mirror, "events", "event_id");
      const dead = await readTable(mirror, "dead_letters", "kafka_offset");
      return events.length + dead.length >= filled.valid.length + filled.bad;
    };
    await until(landed, 120_000, () => `the successor did not land everything:\n${successor.stderr}`, successor.exited);
    assert.match(successor.stderr, /partitions assigned/);

    // The frozen worker wakes up and goes on from between its check and its renames.
    frozen.child.kill("SIGCONT");
    await until(() => /batch not committed|commit failed|partitions lost/.test(frozen.stderr), 60_000, () => `the woken worker said nothing about its batch:\n${frozen.stderr}`, frozen.exited);
    // Whatever it does next (rejoin, recover, or stop), it must not have added a row: let it settle.
    await new Promise((r) => setTimeout(r, 3000));
    for (const w of [frozen, successor]) if (w.child.exitCode === null) w.child.kill("SIGTERM");
    await Promise.all([frozen.exited, successor.exited]);
    assert.equal((await successor.exited).code, 0, successor.stderr);

    await mirrorWarehouse(storage, mirror.storage.warehouse);
    await assertExactlyOnce(mirror, filled.valid, filled.bad);
  });
});
