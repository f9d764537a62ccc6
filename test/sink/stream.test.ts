import assert from "node:assert/strict";
import * as http from "node:http";
import { describe, it } from "node:test";
import { silentLogger } from "../../src/logger";
import { DuckDbEngine } from "../../src/query";
import { runSink } from "../../src/sink";
import { createStorage } from "../../src/storage";
import { EmbeddedLog } from "../../src/transport";
import { assertExactlyOnce } from "./expect";
import { fillLog, tempDataDir, testConfig } from "./helpers";

const get = (port: number, p: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: p }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("sink in streaming mode", () => {
  it("rolls on the interval with no new events, makes them countable by SQL, serves metrics, and flushes on stop", async () => {
    // Rows and bytes limits far away: only the wall-clock interval can commit these events.
    const config = testConfig(tempDataDir(), { SINK_ROLL_ROWS: "1000000", SINK_ROLL_INTERVAL_MS: "200" });
    const first = await fillLog(config, 120, { badEvery: 50 });
    const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
    const engine = await DuckDbEngine.open();
    const controller = new AbortController();
    let metricsPort = 0;
    const running = runSink({
      config, metricsPort: 0, transport, storage: createStorage(config.storage), engine, logger: silentLogger, mode: "stream", signal: controller.signal,
      onReady: (info) => (metricsPort = info.metricsPort ?? 0),
    }).catch((e) => e);
    try {
      const count = async () => {
        await until(async () => metricsPort > 0); // registered and consuming
        return Number((await engine.query("SELECT count(*) AS n FROM events")).rows[0].n);
      };
      await until(async () => (await count()) === 120);
      const second = await fillLog(config, 80, { from: 120 });
      await until(async () => (await count()) === 200);
      // Files become visible a moment before the sink has counted its commit.
      let metrics = await get(metricsPort, "/metrics");
      await until(async () => /^sink_lag_records\{partition="0"\} 0$/m.test((metrics = await get(metricsPort, "/metrics")).body));
      assert.equal(metrics.status, 200);
      assert.match(metrics.body, new RegExp(`^sink_records_total ${200 + first.bad}$`, "m"));
      assert.match(metrics.body, new RegExp(`^sink_dead_letters_total ${first.bad}$`, "m"));
      assert.match(metrics.body, /^sink_lag_records\{partition="0"\} 0$/m);
      controller.abort();
      const summary = await running;
      assert.equal(summary.records, 200 + first.bad);
      await assertExactlyOnce(config, [...first.valid, ...second.valid], first.bad);
    } finally {
      controller.abort();
      await running;
      await engine.close();
      await transport.close();
    }
  });
});
