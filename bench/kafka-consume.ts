/**
 * bench/kafka-consume: what the sink's Kafka path costs per event before the sink's own work: a
 * topic of N events (as the API writes them) read from the beginning through Transport.consume
 * with a no-op onBatch, in a child process, so its CPU time is the consumer's alone.
 *
 *   npm run bench -- kafka-consume [--events 500000] [--partitions 4] [--rounds 3]
 * Needs the stack's Kafka (`npm run stack -- up kafka`); KAFKA_BROKERS default 127.0.0.1:9092.
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as os from "node:os";
import { parseArgs } from "node:util";
import { silentLogger } from "../src/logger";
import { KafkaTransport } from "../src/transport/kafka/kafka-transport";
import { topicTools } from "./reference/lib/kafka";

interface Result {
  events: number;
  seconds: number;
  cpuMicros: number;
}

const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");

/** A canonical event as the API logs it (about 330 bytes). */
function event(i: number): string {
  const player = `player-${i % 1000}`;
  return JSON.stringify({
    event_id: randomUUID(), event_type: "purchase_sword", schema_version: 2, timestamp: new Date(1_764_000_000_000 + i).toISOString(),
    player_id: player, item: "katana", cost: 15, outcome: "accepted", idempotency_key: null,
    request: { host: "localhost:5000", user_agent: "ApacheBench/2.3", accept: "*/*" },
  });
}

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

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { events: { type: "string", default: "500000" }, partitions: { type: "string", default: "4" }, rounds: { type: "string", default: "3" } } });
  const events = Number(values.events);
  const rounds = Number(values.rounds);
  const tools = await topicTools(brokers);
  const topic = `bench-consume-${randomUUID().slice(0, 8)}`;
  process.stderr.write(`filling ${topic} with ${events} events ...\n`);
  await tools.ensureTopic(topic, Number(values.partitions));
  await tools.fill(topic, events, event);
  await tools.close();
  const rows: Result[] = [];
  for (let round = 1; round <= rounds; round++) {
    const child = fork(__filename, ["--child", topic, String(events)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    rows.push(await new Promise<Result>((resolve, reject) => {
      child.once("message", (m) => resolve(m as Result));
      child.once("exit", (code) => code !== 0 && reject(new Error(`consumer exited with ${code}`)));
    }));
    const r = rows[rows.length - 1];
    process.stderr.write(`round ${round}: ${Math.round(r.events / r.seconds)} events/s, ${(r.cpuMicros / r.events).toFixed(2)} CPU-µs/event\n`);
  }
  const cpu = os.cpus();
  process.stdout.write(
    `machine: ${cpu.length} x ${cpu[0]?.model ?? "?"}, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}\n\n` +
      "| round | events | seconds | events/s | consumer CPU-µs/event |\n|---|---|---|---|---|\n" +
      rows.map((r, i) => `| ${i + 1} | ${r.events} | ${r.seconds.toFixed(2)} | ${Math.round(r.events / r.seconds)} | ${(r.cpuMicros / r.events).toFixed(2)} |`).join("\n") + "\n",
  );
}

if (process.argv[2] === "--child") {
  consume(process.argv[3], Number(process.argv[4])).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`consumer failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
