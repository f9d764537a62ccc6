/**
 * bench/api: autocannon against the game API on the embedded log, next to a bare node `http`
 * server answering a constant string, in the same run, alternating rounds. A third server, the
 * same Express app with a publisher that acknowledges at once ("api-nolog"), splits the gap into
 * what Express and the handlers cost and what waiting for the log costs. Each server runs in its
 * own child process so that autocannon (this process) does not share its event loop.
 *
 *   npm run bench -- api [--duration 10] [--connections 50] [--rounds 2] [--transport embedded|kafka]
 * With `--transport kafka` the "api" server logs to the real Kafka of the stack (KAFKA_BROKERS
 * default 127.0.0.1:9092, acks=all) on a fresh topic; `npm run stack -- up kafka` first.
 */
import autocannon from "autocannon";
import { fork, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
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
}

export async function run(args: string[]): Promise<void> {
  const options = parseArgs(args);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-api-"));
  const servers = {
    api: await spawnServer("api", dataDir, options.transport),
    "api-nolog": await spawnServer("api-nolog", dataDir),
    bare: await spawnServer("bare", dataDir),
  };
  const rows: Row[] = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const name of ["api", "api-nolog", "bare"] as const) {
        process.stderr.write(`round ${round}: ${name} for ${options.duration} s ...\n`);
        const cpuBefore = await cpuOf(servers[name].child);
        const row = await load(name, round, servers[name].url, options);
        row.cpuPerRequest = (await cpuOf(servers[name].child) - cpuBefore) / Math.max(1, row.requests);
        rows.push(row);
      }
    }
  } finally {
    const stats = await stopServer(servers.api.child);
    await stopServer(servers["api-nolog"].child);
    await stopServer(servers.bare.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
    printReport(rows, options, stats);
  }
}

function parseArgs(args: string[]): Options {
  const options: Options = { duration: 10, connections: 50, rounds: 2, transport: "embedded" };
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === "--transport" && (args[i + 1] === "embedded" || args[i + 1] === "kafka")) {
      options.transport = args[i + 1] as Options["transport"];
      continue;
    }
    const key = args[i].replace(/^--/, "") as "duration" | "connections" | "rounds";
    const value = Number(args[i + 1]);
    if (!(key in options) || !Number.isInteger(value) || value < 1) throw new Error(`bad argument ${args[i]} ${args[i + 1] ?? ""}`);
    options[key] = value;
  }
  return options;
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
  };
}

function printReport(rows: Row[], options: Options, apiStats: unknown): void {
  const cpu = os.cpus();
  const lines = [
    `machine: ${cpu.length} x ${cpu[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`,
    `date: ${new Date().toISOString()}`,
    `command: npm run bench -- api --duration ${options.duration} --connections ${options.connections} --rounds ${options.rounds}${options.transport === "kafka" ? " --transport kafka" : ""}`,
    "",
    `load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`,
    "",
    "| server | round | req/s | p50 ms | p90 ms | p99 ms | server CPU µs/req | requests | non-2xx+errors | status counts |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.server} | ${r.round} | ${Math.round(r.rps)} | ${r.p50} | ${r.p90} | ${r.p99} | ${Math.round(r.cpuPerRequest)} | ${r.requests} | ${r.non2xx} | ${r.statuses} |`),
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

async function serve(kind: string, dataDir: string, transport: string): Promise<void> {
  let stop: () => Promise<unknown>;
  let url: string;
  if (kind === "api") {
    const kafka = transport === "kafka" ? { TRANSPORT: "kafka", EVENTS_TOPIC: `bench-api-${randomUUID().slice(0, 8)}` } : {};
    // Publisher and producer settings from the bench's environment, to compare them.
    const inFlight: Record<string, string> = {};
    for (const name of ["PUBLISH_MAX_IN_FLIGHT", "PUBLISH_LINGER_MS"]) {
      const value = process.env[name];
      if (value) inFlight[name] = value;
    }
    const config = loadConfig({ DATA_DIR: dataDir, PORT: "0", API_HOST: "127.0.0.1", ...kafka, ...inFlight });
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
  process.on("message", async (message) => {
    if (message === "cpu") return void process.send!({ cpu: process.cpuUsage() });
    const stats = await stop();
    process.send!({ stats }, () => process.exit(0));
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
