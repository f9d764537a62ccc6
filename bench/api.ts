/**
 * bench/api: autocannon against the game API on the embedded log, next to a bare node `http`
 * server answering a constant string, in the same run, alternating rounds. A third server, the
 * same Express app with a publisher that acknowledges at once ("api-nolog"), splits the gap into
 * what Express and the handlers cost and what waiting for the log costs. Each server runs in its
 * own child process so that autocannon (this process) does not share its event loop.
 *
 *   npm run bench -- api [--duration 10] [--connections 50] [--rounds 2] [--transport embedded|kafka]
 * With `--transport kafka` the "api" server logs to the real Kafka of the stack (KAFKA_BROKERS
 * default 127.0.0.1:9092, acks=all) on a fresh topic; `npm run stack -- up kafka` first. Its Kafka
 * settings (KAFKA_*: brokers, TLS, SASL) come from the bench's environment, e.g. a secured stack's
 * `npm run -s stack -- env`. `--plaintext-port P` adds an "api-plaintext" server logging to the
 * same broker's PLAINTEXT listener on port P (a secured stack started with
 * STACK_KAFKA_BENCH_PLAINTEXT_PORT=P), so TLS + SASL and plaintext are compared in one run, and
 * `--broker-pid` adds the broker's CPU per request.
 */
import autocannon from "autocannon";
import { fork, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { createApp, createHttpServer, Guard, loadCatalog, SqliteStateStore, startApi, systemClock, type PublisherStats } from "../src/api";
import { randomUUID } from "node:crypto";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/logger";
import { abMix } from "../src/load/reference";



interface Options {
  duration: number;
  connections: number;
  rounds: number;
  transport: "embedded" | "kafka";
  /** The broker's PLAINTEXT listener for "api-plaintext" (0: no such server). */
  plaintextPort: number;
  /** The broker's pid, to charge its CPU to the rounds (0: not measured). */
  brokerPid: number;
}

interface Row {
  server: string;
  round: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  requests: number;
  non2xx: number;
  statuses: string;
  /** Server CPU (all threads, user+system) per request, µs: steadier than req/s on a shared machine. */
  cpuPerRequest: number;
  /** The Kafka broker's CPU per request over the round, µs (when --broker-pid is given). */
  brokerCpuPerRequest: number | null;
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-api-"));
  const servers: Record<string, Spawned> = {
    api: await spawnServer("api", dataDir, options.transport),
    ...(options.plaintextPort ? { "api-plaintext": await spawnServer("api-plaintext", dataDir, `kafka:${options.plaintextPort}`) } : {}),
    "api-nolog": await spawnServer("api-nolog", dataDir),
    bare: await spawnServer("bare", dataDir),
  };
  const rows: Row[] = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const name of Object.keys(servers)) {
        process.stderr.write(`round ${round}: ${name} for ${options.duration} s ...\n`);
        const cpuBefore = await cpuOf(servers[name].child);
        const brokerBefore = options.brokerPid ? processCpuMicros(options.brokerPid) : 0;
        const row = await load(name, round, servers[name].url, options);
        row.cpuPerRequest = (await cpuOf(servers[name].child) - cpuBefore) / Math.max(1, row.requests);
        if (options.brokerPid) row.brokerCpuPerRequest = (processCpuMicros(options.brokerPid) - brokerBefore) / Math.max(1, row.requests);
        rows.push(row);
      }
    }
  } finally {
    const stats = await stopServer(servers.api.child);
    for (const name of Object.keys(servers).filter((n) => n !== "api")) await stopServer(servers[name].child);
    fs.rmSync(dataDir, { recursive: true, force: true });
    printReport(rows, options, stats);
  }
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: "string", default: "10" },
      connections: { type: "string", default: "50" },
      rounds: { type: "string", default: "2" },
      transport: { type: "string", default: "embedded" },
      "plaintext-port": { type: "string", default: "0" },
      "broker-pid": { type: "string", default: "0" },
    },
  });
  const count = (name: "duration" | "connections" | "rounds" | "plaintext-port" | "broker-pid", min: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} takes a whole number of at least ${min}, not "${values[name]}"`);
    return n;
  };
  const transport = values.transport;
  if (transport !== "embedded" && transport !== "kafka") throw new Error(`--transport takes embedded or kafka, not "${transport}"`);
  return {
    duration: count("duration", 1),
    connections: count("connections", 1),
    rounds: count("rounds", 1),
    transport,
    plaintextPort: count("plaintext-port", 0),
    brokerPid: count("broker-pid", 0),
  };
}

async function load(server: string, round: number, url: string, options: Options): Promise<Row> {
  const requests = abMix().flatMap(({ count, host, path }) => Array.from({ length: count }, () => ({ method: "GET" as const, path, headers: { host } })));
  const result = await autocannon({ url, connections: options.connections, duration: options.duration, requests });
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => `${code}:${(s as { count: number }).count}`).join(" ");
  return {
    server, round,
    rps: result.requests.average,
    p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx + result.errors + result.timeouts,
    statuses,
    cpuPerRequest: 0,
    brokerCpuPerRequest: null,
  };
}

function printReport(rows: Row[], options: Options, apiStats: unknown): void {
  const cpu = os.cpus();
  const lines = [
    `machine: ${cpu.length} x ${cpu[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`,
    `date: ${new Date().toISOString()}`,
    `command: npm run bench -- api --duration ${options.duration} --connections ${options.connections} --rounds ${options.rounds}${options.transport === "kafka" ? " --transport kafka" : ""}` +
      `${options.plaintextPort ? ` --plaintext-port ${options.plaintextPort}` : ""}${options.brokerPid ? " --broker-pid <kafka>" : ""}`,
    `api's Kafka: ${process.env.KAFKA_SECURITY_PROTOCOL ?? "PLAINTEXT"}${process.env.KAFKA_SASL_MECHANISM ? ` (${process.env.KAFKA_SASL_MECHANISM})` : ""}`,
    "",
    `load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`,
    "",
    "| server | round | req/s | p50 ms | p90 ms | p99 ms | server CPU µs/req | broker CPU µs/req | requests | non-2xx+errors | status counts |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.server} | ${r.round} | ${Math.round(r.rps)} | ${r.p50} | ${r.p90} | ${r.p99} | ${Math.round(r.cpuPerRequest)} | ${r.brokerCpuPerRequest === null ? "-" : Math.round(r.brokerCpuPerRequest)} | ${r.requests} | ${r.non2xx} | ${r.statuses} |`),
    "",
    publisherLine(apiStats as PublisherStats | undefined, rows.filter((r) => r.server === "api").length * options.duration),
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

/** How the publisher behaved over the api rounds. */
function publisherLine(stats: PublisherStats | undefined, seconds: number): string {
  if (!stats || stats.batches === 0) return "API publisher: no statistics";
  const busy = (100 * stats.busyMs) / (seconds * 1000);
  return `API publisher: ${stats.events} events in ${stats.batches} batches (mean ${(stats.events / stats.batches).toFixed(1)}, largest ${stats.largestBatch}), ` +
    `mean flight ${(stats.flightMs / stats.batches).toFixed(1)} ms, at least one batch in flight ${busy.toFixed(0)}% of the api rounds' time, ` +
    `at most ${stats.mostInFlight} at once, ${stats.failedBatches} failed`;
}

// ---- child processes ------------------------------------------------------------------------

interface Spawned {
  child: ChildProcess;
  url: string;
}

function spawnServer(kind: string, dataDir: string, transport = "embedded"): Promise<Spawned> {
  const child = fork(__filename, ["--serve", kind, dataDir, transport], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: process.execArgv });
  return new Promise((resolve, reject) => {
    child.once("message", (m: { url: string }) => resolve({ child, url: m.url }));
    child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

function stopServer(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve) => {
    child.once("message", (m: { stats?: unknown }) => resolve(m.stats));
    child.once("exit", () => resolve(undefined));
    child.send("stop");
  });
}

/** The child's CPU time so far (user + system, all threads), µs. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("message", (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu.user + m.cpu.system));
    child.send("cpu");
  });
}

/** A process's CPU time so far (user + system), µs, from /proc (Linux; clock ticks of 10 ms). */
function processCpuMicros(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
  // After the command name: utime and stime are fields 12 and 13 (0-based), in clock ticks.
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function serve(kind: string, dataDir: string, transport: string): Promise<void> {
  let stop: () => Promise<unknown>;
  let url: string;
  if (kind === "api" || kind === "api-plaintext") {
    const kafka = transport.startsWith("kafka") ? { TRANSPORT: "kafka", EVENTS_TOPIC: `bench-api-${randomUUID().slice(0, 8)}` } : {};
    // Publisher and Kafka client settings (brokers, TLS, SASL) from the bench's environment, to compare them.
    const fromEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (value && (name.startsWith("PUBLISH_") || name.startsWith("KAFKA_"))) fromEnv[name] = value;
    }
    // api-plaintext: the same broker's PLAINTEXT listener, no TLS, no SASL.
    const plaintext = kind === "api-plaintext" ? { KAFKA_BROKERS: `127.0.0.1:${transport.split(":")[1]}`, KAFKA_SECURITY_PROTOCOL: "PLAINTEXT" } : {};
    const security = /^KAFKA_(SASL|SSL)_/;
    const env = Object.fromEntries(Object.entries({ ...fromEnv, ...plaintext }).filter(([name]) => kind === "api" || !security.test(name)));
    const config = loadConfig({ ...env, DATA_DIR: path.join(dataDir, kind), PORT: "0", API_HOST: "127.0.0.1", ...kafka });
    const api = await startApi(config, createLogger({ level: "warn" }));
    url = api.url;
    stop = async () => {
      await api.close();
      return api.stats();
    };
  } else {
    const server = kind === "bare" ? http.createServer((_req, res) => res.end("This is the default response!\n")) : noLogServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stop = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve(undefined)); });
  }
  process.send!({ url });
  process.on("message", (message) => {
    if (message === "cpu") return void process.send!({ cpu: process.cpuUsage() });
    stop().then(
      (stats) => process.send!({ stats }, () => process.exit(0)),
      (error: unknown) => {
        process.stderr.write(`bench api: stopping the ${kind} server failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}

/** The API's Express app with a publisher that acknowledges every event at once. */
function noLogServer(): http.Server {
  const config = loadConfig({});
  const app = createApp({
    catalog: loadCatalog(config.api.catalogFile, config.api.maxNameLength),
    publisher: {
      publish: (_message, fate) => {
        fate?.settle(true);
        return Promise.resolve();
      },
    },
    store: new SqliteStateStore(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-api-")), "state.db")),
    logger: createLogger({ level: "warn" }),
    clock: systemClock,
    newId: randomUUID,
    maxNameLength: config.api.maxNameLength,
    guard: new Guard(config.api, systemClock),
    idempotencyWindowMs: config.api.idempotencyWindowMs,
    lockWaitMs: config.api.publish.timeoutMs,
    settleClaim: () => undefined, // no request dies here
  });
  return createHttpServer(app, config.api.timeouts);
}

if (require.main === module && process.argv[2] === "--serve") {
  serve(process.argv[3], process.argv[4], process.argv[5] ?? "embedded").catch((error) => {
    process.stderr.write(`bench server failed: ${String(error)}\n`);
    process.exit(1);
  });
}
