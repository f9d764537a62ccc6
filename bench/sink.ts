/**
 * Sink benchmarks.
 *   throughput: N events (default 1,000,000) pre-filled in the embedded log -> Parquet on local
 *               disk in batch mode, in a child process: events/s, CPU seconds, peak RSS, files, bytes.
 *   freshness:  the API (startApi) and a streaming sink (child process, default roll interval);
 *               time from a request's HTTP 200 to its event being countable by SQL (DuckDB), p50/p99.
 *
 *   npm run bench -- sink [throughput|freshness|all] [events] [requests]
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startApi } from "../src/api";
import { loadConfig, type Config } from "../src/config";
import { toWire } from "../src/events";
import { createLogger, silentLogger } from "../src/logger";
import { runSink } from "../src/sink";
import { createStorage, tableDir, visibleFilesGlob } from "../src/storage";
import { EmbeddedLog } from "../src/transport";
import { duck } from "../test/sink/helpers";
import { badMessages, sampleEvent } from "../test/sink/fixtures";

interface Throughput {
  events: number;
  seconds: number;
  eventsPerSec: number;
  cpuSeconds: number;
  peakRssMb: number;
  files: number;
  mb: number;
  rollRows: number;
}

function benchConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "warn", SINK_METRICS_PORT: "0", ...env }, dataDir);
}

/** Appends `n` sample events (1 in 10,000 a bad message) in large batches. */
async function prefill(config: Config, n: number): Promise<void> {
  const log = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  await log.ensureTopic(config.transport.topic, { partitions: 1 });
  const producer = await log.producer();
  let batch: { value: string | Buffer }[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 10_000 === 5000) batch.push({ value: badMessages(`x${i}`)[i % 5].value });
    else batch.push({ value: toWire(sampleEvent(i, 7)) });
    if (batch.length === 20_000) {
      await producer.send(config.transport.topic, batch);
      batch = [];
    }
  }
  await producer.send(config.transport.topic, batch);
  await log.close();
}

/** The measured part, in a child process so RSS and CPU are the sink's alone. */
async function throughputChild(dataDir: string): Promise<void> {
  const config = benchConfig(dataDir);
  const transport = new EmbeddedLog({ file: config.transport.embeddedPath, logger: silentLogger });
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const summary = await runSink({ config, transport, storage: createStorage(config.storage), logger: createLogger({ level: "warn" }), mode: "batch" });
  const seconds = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await transport.close();
  const result: Throughput = {
    events: summary.records,
    seconds,
    eventsPerSec: Math.round(summary.records / seconds),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    files: summary.filesWritten,
    mb: summary.bytesWritten / 1e6,
    rollRows: config.sink.rollMaxRows,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

async function throughput(n: number): Promise<Throughput> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-sink-"));
  try {
    const t0 = Date.now();
    await prefill(benchConfig(dataDir), n);
    process.stderr.write(`prefilled ${n} events in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [__filename, "--throughput-child", dataDir], { stdio: ["ignore", "pipe", "inherit"] });
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.on("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`sink child exited ${code}`))));
    });
    const result = JSON.parse(out.trim().split("\n").pop()!) as Throughput;
    process.stdout.write(
      `\n| events | seconds | events/s | CPU s | peak RSS MB | files | MB written | SINK_ROLL_ROWS |\n|---|---|---|---|---|---|---|---|\n` +
        `| ${result.events.toLocaleString("en-US")} | ${result.seconds.toFixed(1)} | ${result.eventsPerSec.toLocaleString("en-US")} | ${result.cpuSeconds.toFixed(1)} | ${result.peakRssMb} | ${result.files} | ${result.mb.toFixed(1)} | ${result.rollRows} |\n`,
    );
    return result;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function freshness(requests: number): Promise<{ p50: number; p99: number; max: number; n: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-fresh-"));
  const config = benchConfig(dataDir, { PORT: "0", API_HOST: "127.0.0.1" });
  const api = await startApi(config, silentLogger);
  const sink = spawn(process.execPath, [path.join(__dirname, "..", "src", "bin", "sink.js"), "--mode", "stream", "--no-register"], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn", SINK_METRICS_PORT: "0" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const glob = visibleFilesGlob(tableDir(config.storage.warehouse, "events"));
  const pending = new Map<string, number>();
  const delays: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      if (pending.size > 0 && fs.existsSync(path.join(config.storage.warehouse, "events"))) {
        const ids = [...pending.keys()].map((id) => `'${id}'`).join(",");
        const rows = await duck(`SELECT event_id FROM read_parquet('${glob}') WHERE event_id IN (${ids})`).catch(() => []);
        const now = Date.now();
        for (const r of rows) {
          const t = pending.get(String(r.event_id));
          if (t !== undefined) delays.push(now - t);
          pending.delete(String(r.event_id));
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    await new Promise((r) => setTimeout(r, 3000)); // let the sink start and recover
    for (let i = 0; i < requests; i++) {
      const res = await fetch(`${api.url}/purchase_a_sword/katana`, { headers: { "X-Player-Id": `fresh${i % 7}` } });
      const body = (await res.json()) as { event_id: string };
      pending.set(body.event_id, Date.now());
      await new Promise((r) => setTimeout(r, 100 + ((i * 7919) % 400)));
    }
    const deadline = Date.now() + 15_000;
    while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  } finally {
    polling = false;
    await poller;
    sink.kill("SIGTERM");
    await new Promise((r) => sink.once("exit", r));
    await api.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const sorted = delays.sort((a, b) => a - b);
  const result = { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], n: sorted.length };
  process.stdout.write(
    `\n| requests | countable | p50 ms | p99 ms | max ms | SINK_ROLL_INTERVAL_MS |\n|---|---|---|---|---|---|\n` +
      `| ${requests} | ${result.n} | ${result.p50} | ${result.p99} | ${result.max} | ${config.sink.rollIntervalMs} |\n`,
  );
  return result;
}

/** Entry point for `npm run bench -- sink [throughput|freshness|all] [events] [requests]`. */
export async function run(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  const [what = "all", events = "1000000", requests = "100"] = positionals;
  if (what === "throughput" || what === "all") await throughput(Number(events));
  if (what === "freshness" || what === "all") await freshness(Number(requests));
}

if (require.main === module) {
  // `--throughput-child DATA_DIR`: the measured sink in its own process (spawned by throughput()).
  const { values, positionals } = parseArgs({ options: { "throughput-child": { type: "string" } }, allowPositionals: true });
  const child = values["throughput-child"];
  const task = child !== undefined ? throughputChild(child) : run(positionals);
  task.catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
