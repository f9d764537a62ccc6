/**
 * Sink scale-out on the real stack: aggregate events/s and CPU per event of 1, 2 and 3 streaming
 * workers in one consumer group, Kafka -> Parquet on HDFS. Each run: a fresh 6-partition topic,
 * warehouse and group; W worker processes start on the empty topic and wait until the group has
 * settled (every partition assigned, no rebalance since); then they are frozen (SIGSTOP; their
 * session timeout is longer than the pause), N events are produced, and they are resumed: the
 * clock runs from the resume until the group's committed offsets reach N (offsets are committed
 * right after each batch's files), so neither start-up nor the producer's speed is in it. CPU is
 * the workers' own over that window (from /proc). Runs alternate (1, 2, 3, 1, 2, 3, ...).
 *
 *   npm run bench -- sink-workers [events=300000] [rounds=2] [workers=1,2,3]    (Kafka and HDFS up: npm run stack -- up kafka hdfs)
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig, type Config } from "../src/config";
import { toWire } from "../src/events";
import { silentLogger } from "../src/logger";
import { createTransport, type Transport } from "../src/transport";
import { sampleEvent } from "../test/sink/fixtures";
import { TreeMonitor } from "./reference/lib/procfs";
import { markdownTable, median } from "./reference/lib/stats";

const SINK = path.join(__dirname, "..", "src", "bin", "sink.js");
const PARTITIONS = 6;

interface Result {
  workers: number;
  events: number;
  seconds: number;
  eventsPerSec: number;
  cpuSeconds: number;
  cpuUsPerEvent: number;
  load: number;
}

function envFor(id: string, dataDir: string): Record<string, string> {
  return {
    PIPELINE_STACK: "real",
    DATA_DIR: dataDir,
    EVENTS_TOPIC: id,
    TOPIC_PARTITIONS: String(PARTITIONS),
    WAREHOUSE_DIR: `/bench-${id}`,
    SINK_GROUP: id,
    // Longer than the pause while the events are produced: the frozen workers keep their partitions.
    SINK_SESSION_TIMEOUT_MS: "300000",
    SINK_METRICS_PORT: "0",
    LOG_LEVEL: "info",
  };
}

async function produce(transport: Transport, topic: string, n: number): Promise<void> {
  const producer = await transport.producer({ concurrency: 4 });
  const sends: Promise<void>[] = [];
  for (let i = 0; i < n; i += 5000) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 5000); j++) {
      const e = sampleEvent(j, 11);
      batch.push({ key: e.player_id, value: toWire(e) });
    }
    sends.push(producer.send(topic, batch));
    if (sends.length >= 4) await sends.shift();
  }
  await Promise.all(sends);
  await producer.close();
}

async function committed(transport: Transport, group: string, topic: string): Promise<number> {
  let n = 0;
  for (const offset of (await transport.committedOffsets(group, topic)).values()) n += offset;
  return n;
}

/** Partitions each worker owns, from its log lines ("partitions assigned ... owned=[...]"). */
function owned(logs: readonly string[]): number {
  let n = 0;
  for (const log of logs) {
    const last = [...log.matchAll(/partitions (?:assigned|lost|handed over) .*?owned=\[([\d,]*)\]/g)].pop();
    n += last?.[1] ? last[1].split(",").length : 0;
  }
  return n;
}

async function once(workers: number, n: number): Promise<Result> {
  const id = `bw-${randomUUID().slice(0, 8)}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${id}-`));
  const env = envFor(id, dataDir);
  const config: Config = loadConfig(env, dataDir);
  const transport = await createTransport(config.transport, silentLogger);
  try {
    await transport.ensureTopic(id, { partitions: PARTITIONS });
    const logs = Array.from({ length: workers }, () => "");
    const children = Array.from({ length: workers }, (_, i) => {
      const child = spawn(process.execPath, [SINK, "--mode", "stream", "--no-register"], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "ignore", "pipe"] });
      child.stderr.on("data", (d: Buffer) => (logs[i] += d.toString()));
      return child;
    });
    // Settled: every partition owned and the logs quiet for 3 s (no further rebalance).
    let quietSince = Date.now();
    let seen = "";
    while (owned(logs) !== PARTITIONS || Date.now() - quietSince < 3000) {
      const now = logs.join("");
      if (now !== seen) {
        seen = now;
        quietSince = Date.now();
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const c of children) c.kill("SIGSTOP");
    await produce(transport, id, n);
    const settledAt = logs.map((l) => l.length);
    const monitors = children.map((c) => new TreeMonitor(c.pid!, 250));
    const cpu0 = monitors.reduce((s, m) => s + m.usage().cpuSeconds, 0);
    const t0 = Date.now();
    for (const c of children) c.kill("SIGCONT");
    while ((await committed(transport, id, id)) < n) await new Promise((r) => setTimeout(r, 250));
    const seconds = (Date.now() - t0) / 1000;
    const cpuSeconds = monitors.reduce((s, m) => s + m.stop().cpuSeconds, 0) - cpu0;
    const rebalanced = logs.some((l, i) => /partitions lost/.test(l.slice(settledAt[i])));
    if (rebalanced) process.stderr.write("note: a rebalance happened during the measured window\n");
    await Promise.all(children.map((c) => new Promise((r) => (c.once("exit", r), c.kill("SIGTERM")))));
    return { workers, events: n, seconds, eventsPerSec: n / seconds, cpuSeconds, cpuUsPerEvent: (cpuSeconds * 1e6) / n, load: os.loadavg()[0] };
  } finally {
    await transport.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 300_000);
  const rounds = Number(args[1] ?? 2);
  const counts = (args[2] ?? "1,2,3").split(",").map(Number);
  if (!(n > 0) || !(rounds > 0) || counts.some((w) => !(w >= 1 && w <= PARTITIONS))) {
    throw new Error(`usage: sink-workers [events > 0] [rounds > 0] [workers: comma-separated, 1..${PARTITIONS}]`);
  }
  const results: Result[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const w of counts) {
      const result = await once(w, n);
      process.stderr.write(`${w} worker(s): ${Math.round(result.eventsPerSec)} events/s, ${result.cpuUsPerEvent.toFixed(1)} CPU-us/event (load ${result.load.toFixed(1)})\n`);
      results.push(result);
    }
  }
  const rows = results.map((r) => [String(r.workers), r.events.toLocaleString("en-US"), r.seconds.toFixed(1), Math.round(r.eventsPerSec).toLocaleString("en-US"), r.cpuSeconds.toFixed(1), r.cpuUsPerEvent.toFixed(1), r.load.toFixed(1)]);
  process.stdout.write("\n" + markdownTable(["workers", "events", "seconds", "events/s", "worker CPU s", "CPU us/event", "load avg"], rows) + "\n");
  for (const w of counts) {
    const mine = results.filter((r) => r.workers === w);
    process.stdout.write(`median ${w} worker(s): ${Math.round(median(mine.map((r) => r.eventsPerSec)))} events/s, ${median(mine.map((r) => r.cpuUsPerEvent)).toFixed(1)} CPU-us/event\n`);
  }
}
