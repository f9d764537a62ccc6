/**
 * bench/kafka-consume: what the sink's Kafka path costs per event. A topic of N events as the API
 * writes them, read from the beginning in a child process (so its CPU time is the reader's alone):
 *   - by default through Transport.consume with a no-op onBatch: the Kafka client's share;
 *   - with --sink by the whole sink in batch mode (Kafka -> Parquet on local disk, no SQL
 *     registration): the client's share plus the sink's own work, per event.
 * --topic reads a topic an earlier run filled (its name is printed), so two checkouts (e.g. one on
 * kafkajs, one on @platformatic/kafka) can be measured on the same records, in alternating runs.
 *
 *   npm run bench -- kafka-consume [--events 500000] [--partitions 4] [--rounds 3] [--sink] [--topic NAME]
 * Needs the stack's Kafka (`npm run stack -- up kafka`); KAFKA_BROKERS default 127.0.0.1:9092.
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config";
import { toWire } from "../src/events";
import { createLogger, silentLogger } from "../src/logger";
import { runSink } from "../src/sink";
import { createStorage } from "../src/storage";
import { createTransport } from "../src/transport";
import { KafkaTransport } from "../src/transport/kafka/kafka-transport";
import { sampleEvent } from "../test/sink/fixtures";
import { topicTools } from "./reference/lib/kafka";

interface Result {
  events: number;
  seconds: number;
  cpuMicros: number;
}

const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");

/** An event as the API logs it (the sink's fixtures: all event types, one in ten rejected). */
const event = (i: number): string => toWire(sampleEvent(i, 7));

/** The measured part (child process): consume the whole topic, count events and CPU. */
async function consume(topic: string, events: number): Promise<Result> {
  const transport = new KafkaTransport({ brokers, clientId: "bench-consume", logger: silentLogger });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let seen = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const sub = await transport.consume({
    topic,
    groupId: `bench-${randomUUID().slice(0, 8)}`,
    from: new Map(),
    onBatch: async (batch) => {
      seen += batch.length;
      if (seen >= events) done();
    },
  });
  await finished;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await sub.stop();
  await transport.close();
  return { events: seen, seconds, cpuMicros: cpu.user + cpu.system };
}

/** The measured part with --sink (child process): the sink in batch mode over the whole topic. */
async function sink(topic: string): Promise<Result> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-kafka-sink-"));
  const env = { TRANSPORT: "kafka", KAFKA_BROKERS: brokers.join(","), EVENTS_TOPIC: topic, SINK_GROUP: `bench-${randomUUID().slice(0, 8)}`, STORAGE: "local", DATA_DIR: dataDir, LOG_LEVEL: "warn", SINK_METRICS_PORT: "0" };
  const config = loadConfig(env, dataDir);
  const logger = createLogger({ level: "warn" });
  const transport = await createTransport(config.transport, logger);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const summary = await runSink({ config, transport, storage: createStorage(config.storage), logger, mode: "batch" });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await transport.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { events: summary.records, seconds, cpuMicros: cpu.user + cpu.system };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: "string", default: "500000" },
      partitions: { type: "string", default: "4" },
      rounds: { type: "string", default: "3" },
      sink: { type: "boolean", default: false },
      topic: { type: "string" },
    },
  });
  const events = Number(values.events);
  const rounds = Number(values.rounds);
  const topic = values.topic ?? `bench-consume-${randomUUID().slice(0, 8)}`;
  const tools = await topicTools(brokers);
  await tools.ensureTopic(topic, Number(values.partitions));
  const present = await tools.count(topic);
  if (present < events) {
    process.stderr.write(`filling ${topic} with ${events - present} events ...\n`);
    await tools.fill(topic, events - present, (i) => event(present + i));
  }
  const total = await tools.count(topic);
  await tools.close();
  const mode = values.sink ? "sink" : "consume";
  process.stderr.write(`${mode}: ${topic}, ${total} events\n`);
  const rows: Result[] = [];
  for (let round = 1; round <= rounds; round++) {
    const child = fork(__filename, [`--${mode}-child`, topic, String(total)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    rows.push(await new Promise<Result>((resolve, reject) => {
      child.once("message", (m) => resolve(m as Result));
      child.once("exit", (code) => code !== 0 && reject(new Error(`the ${mode} child exited with ${code}`)));
    }));
    const r = rows[rows.length - 1];
    process.stderr.write(`round ${round}: ${Math.round(r.events / r.seconds)} events/s, ${(r.cpuMicros / r.events).toFixed(2)} CPU-µs/event\n`);
  }
  const cpu = os.cpus();
  process.stdout.write(
    `machine: ${cpu.length} x ${cpu[0]?.model ?? "?"}, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}\n\n` +
      `| round | events | seconds | events/s | ${mode === "sink" ? "sink" : "consumer"} CPU-µs/event |\n|---|---|---|---|---|\n` +
      rows.map((r, i) => `| ${i + 1} | ${r.events} | ${r.seconds.toFixed(2)} | ${Math.round(r.events / r.seconds)} | ${(r.cpuMicros / r.events).toFixed(2)} |`).join("\n") + "\n",
  );
}

const child = { "--consume-child": consume, "--sink-child": sink }[process.argv[2] ?? ""];
if (child) {
  child(process.argv[3], Number(process.argv[4])).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`reader failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
