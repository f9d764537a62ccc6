/**
 * One sink per embedded log and warehouse: a second one is refused with a message naming the
 * holder; a holder killed with kill -9 does not keep the lease; a holder frozen past the lease's
 * time to live is taken over and, resumed, commits nothing (even frozen between its ownership check
 * and its renames). DuckDB over the files checks every table holds each event exactly once.
 */
import assert from "node:assert/strict";
import * as os from "node:os";
import { after, describe, it } from "node:test";
import { assertExactlyOnce } from "./expect";
import { fillLog, readTable, tempDataDir, testConfig } from "./helpers";
import { killSinkProcesses, SinkProcess, until } from "./sink-process";

after(killSinkProcesses);

const env = (dataDir: string, extra: Record<string, string> = {}) => ({
  DATA_DIR: dataDir,
  TOPIC_PARTITIONS: "2",
  SINK_ROLL_ROWS: "300",
  SINK_ROLL_INTERVAL_MS: "100",
  SINK_MAX_MESSAGE_BYTES: "4096",
  SINK_METRICS_PORT: "0",
  LOG_LEVEL: "info",
  ...extra,
});
const stream = (dataDir: string, extra: Record<string, string> = {}) => new SinkProcess(["--mode", "stream", "--no-register"], env(dataDir, extra));
const ASSIGNED = /partitions assigned/;

async function landed(dataDir: string, count: number): Promise<void> {
  const config = testConfig(dataDir);
  await until(async () => Number((await readTable(config, "events", "count(*) AS n"))[0]?.n ?? 0) >= count, 30_000, () => `fewer than ${count} events landed`);
}

describe("embedded log: one sink per log and warehouse", () => {
  it("refuses a second sink with a message naming the holder, and a kill -9 does not keep the lease", async () => {
    const dataDir = tempDataDir("sink-lease-");
    const config = testConfig(dataDir, { TOPIC_PARTITIONS: "2" });
    const filled = await fillLog(config, 1200, { badEvery: 211, partitions: 2 });
    const first = stream(dataDir);
    await first.waitFor(ASSIGNED);

    const second = stream(dataDir);
    const refused = await second.exited;
    assert.equal(refused.code, 1, second.stderr);
    assert.match(second.stderr, /another sink is already writing topic "events" for group "game-events-sink"/);
    assert.match(second.stderr, new RegExp(`pid ${first.pid} on host ${os.hostname()}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z`));

    first.child.kill("SIGKILL");
    await first.exited;
    const third = stream(dataDir);
    await third.waitFor(/took the lease over .*is gone/);
    await landed(dataDir, filled.valid.length);
    third.child.kill("SIGTERM");
    assert.equal((await third.exited).code, 0, third.stderr);
    await assertExactlyOnce(config, filled.valid, filled.bad);
  });

  it("takes over from a sink frozen past the lease's time to live between its ownership check and its renames; resumed, it commits nothing", async () => {
    const dataDir = tempDataDir("sink-fence-");
    const config = testConfig(dataDir, { TOPIC_PARTITIONS: "2" });
    const filled = await fillLog(config, 1500, { badEvery: 173, partitions: 2 });
    const ttl = { SINK_SESSION_TIMEOUT_MS: "4000" };
    // Frozen on its second batch: its files are uploaded and its lease was confirmed.
    const frozen = stream(dataDir, { ...ttl, SINK_FAULT: "after-ownership-check", SINK_FAULT_AFTER: "2", SINK_FAULT_SIGNAL: "SIGSTOP" });
    await frozen.waitFrozen();

    // Within the time to live the frozen sink still holds the lease.
    const early = stream(dataDir, ttl);
    assert.equal((await early.exited).code, 1, early.stderr);
    assert.match(early.stderr, new RegExp(`pid ${frozen.pid} on host`));

    await new Promise((r) => setTimeout(r, 4500));
    // Cut at other offsets than the frozen sink did: its late files would overlap the successor's, not coincide by name.
    const successor = stream(dataDir, { ...ttl, SINK_ROLL_ROWS: "170" });
    await successor.waitFor(/took the lease over .*has not renewed it/);
    await landed(dataDir, filled.valid.length);

    frozen.child.kill("SIGCONT");
    const resumed = await frozen.exited;
    assert.equal(resumed.code, 1, frozen.stderr);
    assert.match(frozen.stderr, /batch not committed: the partition belongs to another worker now/);
    assert.match(frozen.stderr, new RegExp(`lost the lease on topic "events": it is now held by pid ${successor.pid}`));
    successor.child.kill("SIGTERM");
    assert.equal((await successor.exited).code, 0, successor.stderr);
    await assertExactlyOnce(config, filled.valid, filled.bad);
  });
});
