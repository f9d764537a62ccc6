import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { describe, it } from "node:test";
import type { Config } from "../../src/config";
import { silentLogger } from "../../src/logger";
import { DuckDbEngine } from "../../src/query";
import { runSink, type SinkSummary } from "../../src/sink";
import { createStorage } from "../../src/storage";
import { EmbeddedLog } from "../../src/transport";
import { sample } from "../helpers/metrics";
import { waitUntil } from "../helpers/wait";
import { assertExactlyOnce } from "./expect";
import { fillLog, readTable, tempDataDir, testConfig } from "./helpers";

const get = (port: number, p: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: p }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });

/** A streaming sink on the embedded log with an in-process DuckDB engine; `stop()` aborts it and returns its summary. */
async function startStream(config: Config) {
  const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  const engine = await DuckDbEngine.open();
  const controller = new AbortController();
  let ready!: (port: number) => void;
  const metricsPort = new Promise<number>((resolve) => (ready = resolve));
  const running = runSink({
    config, metricsPort: 0, transport, storage: createStorage(config.storage), engine, logger: silentLogger, mode: "stream", signal: controller.signal,
    onReady: (info) => ready(info.metricsPort ?? 0),
  });
  running.catch(() => ready(0));
  const port = await metricsPort;
  return {
    engine,
    metrics: async () => (await get(port, "/metrics")).body,
    stop: async (): Promise<SinkSummary> => {
      controller.abort();
      try {
        return await running;
      } finally {
        await engine.close();
        await transport.close();
      }
    },
  };
}

/** Committed Parquet files of every table (not the temp folders), with their sizes. */
function committedFiles(warehouse: string): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const table of fs.readdirSync(warehouse).filter((d) => !d.startsWith("_"))) {
    for (const f of fs.readdirSync(path.join(warehouse, table), { recursive: true }).map(String).filter((f) => f.endsWith(".parquet"))) {
      count++;
      bytes += fs.statSync(path.join(warehouse, table, f)).size;
    }
  }
  return { count, bytes };
}

describe("sink in streaming mode", () => {
  it("rolls on the interval with no new events, makes them countable by SQL, and serves every metric family", async () => {
    // Rows and bytes limits far away: only the wall-clock interval can commit these events.
    // Secrets in the configuration must never reach the metrics (issue 17): the body is grepped for them below.
    const secrets = { KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT", KAFKA_SASL_MECHANISM: "SCRAM-SHA-512", KAFKA_SASL_USERNAME: "sink", KAFKA_SASL_PASSWORD: "kafka-pw-5e1c7d2a9b", API_KEYS: "game:apikey-9a8b7c6d5e4f3a2b" };
    const config = testConfig(tempDataDir(), { SINK_ROLL_ROWS: "1000000", SINK_ROLL_INTERVAL_MS: "200", ...secrets });
    const startedAt = Date.now() / 1000;
    const first = await fillLog(config, 120, { badEvery: 50 });
    const sink = await startStream(config);
    let stopped = false;
    try {
      const count = async () => Number((await sink.engine.query("SELECT count(*) AS n FROM events")).rows[0].n);
      await waitUntil(async () => (await count()) === 120, "the first 120 events countable");
      const second = await fillLog(config, 80, { from: 120 });
      await waitUntil(async () => (await count()) === 200, "all 200 events countable");
      // Files become visible a moment before the sink has counted its commit.
      let body = "";
      await waitUntil(async () => sample((body = await sink.metrics()), 'sink_lag_records{partition="0"}') === 0, "lag 0");
      assert.equal(sample(body, "sink_records_total"), 200 + first.bad);
      assert.equal(sample(body, "sink_dead_letters_total"), first.bad);
      const files = committedFiles(config.storage.warehouse);
      assert.equal(sample(body, "sink_files_written_total"), files.count, "files written = Parquet files in the warehouse");
      assert.equal(sample(body, "sink_bytes_written_total"), files.bytes, "bytes written = their total size");
      assert.ok((sample(body, "sink_batches_total") ?? 0) >= 2, "one batch per interval roll, at least");
      for (const table of ["events", "sword_purchases", "purchases", "guilds", "dead_letters"]) {
        const rows = Number((await readTable(config, table, "count(*) AS n"))[0].n);
        assert.equal(sample(body, `sink_rows_total{table="${table}"}`), rows, `sink_rows_total for ${table}`);
      }
      // The worker's share of the topic: the embedded log's lease gives it the one partition.
      assert.equal(sample(body, "sink_assigned_partitions"), 1);
      assert.equal(sample(body, 'sink_partition_assigned{partition="0"}'), 1);
      assert.equal(sample(body, "sink_rebalances_total"), 1, "assigned once, at start");
      assert.equal(sample(body, "sink_commits_fenced_total"), 0);
      for (const secret of ["kafka-pw-5e1c7d2a9b", "apikey-9a8b7c6d5e4f3a2b"]) {
        assert.ok(!body.includes(secret), `a configured secret (${secret.slice(0, 6)}...) appears in the metrics`);
      }
      const lastCommit = sample(body, "sink_last_commit_timestamp_seconds") ?? 0;
      assert.ok(lastCommit >= startedAt && lastCommit <= Date.now() / 1000, `last commit at ${lastCommit}, test ran from ${startedAt}`);
      stopped = true;
      const summary = await sink.stop();
      assert.equal(summary.records, 200 + first.bad);
      await assertExactlyOnce(config, [...first.valid, ...second.valid], first.bad);
    } finally {
      if (!stopped) await sink.stop().catch(() => undefined);
    }
  });

  it("commits every staged record when stopped before any roll", async () => {
    // No roll can happen on its own: only the flush on stop can commit these records.
    const config = testConfig(tempDataDir(), { SINK_ROLL_ROWS: "1000000", SINK_ROLL_INTERVAL_MS: "600000", TOPIC_PARTITIONS: "2" });
    const filled = await fillLog(config, 300, { badEvery: 100, partitions: 2 });
    const sink = await startStream(config);
    let stopped = false;
    try {
      await waitUntil(async () => sample(await sink.metrics(), "sink_records_total") === 300 + filled.bad, "every record read");
      assert.equal(sample(await sink.metrics(), "sink_files_written_total"), 0, "nothing committed before the stop");
      assert.deepEqual(await readTable(config, "events", "count(*) AS n"), [], "no table folder before the stop");
      stopped = true;
      const summary = await sink.stop();
      assert.equal(summary.records, 300 + filled.bad);
      assert.equal(summary.batches, 1, "the flush committed the staged records as one batch");
      await assertExactlyOnce(config, filled.valid, filled.bad);
    } finally {
      if (!stopped) await sink.stop().catch(() => undefined);
    }
  });
});
