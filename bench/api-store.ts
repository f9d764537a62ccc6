/**
 * bench/api-store: req/s and p99 of the game API per replica with each state store, on the real
 * Kafka of the stack: one replica on SQLite, one on PostgreSQL, two on one PostgreSQL (each
 * replica loaded by its own simulator, with its own players), in alternating rounds. The load is
 * the player simulator's (`npm run load`): guild actions and purchases, every request with an
 * Idempotency-Key (so every request takes a state transaction), or none with --no-keys.
 *
 *   npm run stack -- up postgres kafka
 *   npm run bench -- api-store [--duration 10] [--connections 32] [--rounds 2] [--players 2000] [--pool 20] [--no-keys]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { loadCatalog } from "../src/api";
import { loadConfig } from "../src/config";
import { runLoad } from "../src/load";

const API_BIN = path.join(__dirname, "..", "src", "bin", "api.js");
const KAFKA = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092";
const POSTGRES = process.env.API_DATABASE_URL ?? "postgres://game@127.0.0.1:5432/game";

interface Options {
  duration: number;
  connections: number;
  rounds: number;
  players: number;
  /** API_DB_POOL of each PostgreSQL replica. */
  pool: number;
  keys: boolean;
}

interface Setup {
  name: string;
  store: "sqlite" | "postgres";
  replicas: number;
}

const SETUPS: Setup[] = [
  { name: "sqlite x1", store: "sqlite", replicas: 1 },
  { name: "postgres x1", store: "postgres", replicas: 1 },
  { name: "postgres x2", store: "postgres", replicas: 2 },
];

interface Row {
  setup: string;
  round: number;
  replica: number;
  rps: number;
  p50: number;
  p99: number;
  answered: number;
  mismatches: number;
  retries: number;
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const catalog = loadCatalog(loadConfig({}).api.catalogFile, 64);
  const rows: Row[] = [];
  const load = os.loadavg()[0];
  for (let round = 1; round <= options.rounds; round++) {
    for (const setup of SETUPS) {
      const topic = `bench-store-${randomUUID().slice(0, 8)}`;
      const database = setup.store === "postgres" ? await freshDatabase() : null;
      const apis = await Promise.all(Array.from({ length: setup.replicas }, () => startApi(setup, topic, database, options.pool)));
      try {
        const results = await Promise.all(
          apis.map((api, i) =>
            runLoad({
              url: api.url,
              catalog,
              scenario: "players",
              players: options.players,
              durationSec: options.duration,
              connections: options.connections,
              seed: round * 10 + i,
              playerTag: `${topic}-r${i}`,
              invalidShare: 0,
              idempotencyKeys: options.keys,
            }),
          ),
        );
        results.forEach(({ summary }, replica) =>
          rows.push({
            setup: setup.name,
            round,
            replica,
            rps: summary.requestsPerSec,
            p50: summary.latencyMs.p50,
            p99: summary.latencyMs.p99,
            answered: summary.requests.answered,
            mismatches: summary.mismatches,
            retries: summary.requests.retried,
          }),
        );
        process.stderr.write(`${setup.name} round ${round}: ${results.map((r) => `${r.summary.requestsPerSec} req/s p99 ${r.summary.latencyMs.p99} ms`).join(", ")}\n`);
      } finally {
        await Promise.all(apis.map((api) => api.stop()));
      }
    }
  }
  printReport(rows, options, load, os.loadavg()[0]);
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: "string", default: "10" },
      connections: { type: "string", default: "32" },
      rounds: { type: "string", default: "2" },
      players: { type: "string", default: "2000" },
      pool: { type: "string", default: "20" },
      "no-keys": { type: "boolean", default: false },
    },
  });
  const count = (name: "duration" | "connections" | "rounds" | "players" | "pool") => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a whole number of at least 1, not "${values[name]}"`);
    return n;
  };
  return { duration: count("duration"), connections: count("connections"), rounds: count("rounds"), players: count("players"), pool: count("pool"), keys: !values["no-keys"] };
}

/** An empty database on the stack's PostgreSQL, so every run starts from the same state. */
async function freshDatabase(): Promise<string> {
  const name = `bench_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new Client({ connectionString: POSTGRES });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return POSTGRES.replace(/\/[^/]+$/, `/${name}`);
}

/** One API replica as a child process (`npm run api`), on Kafka, with the setup's store. */
function startApi(setup: Setup, topic: string, database: string | null, pool: number): Promise<{ url: string; stop(): Promise<void> }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "bench-store-")),
    PORT: "0",
    API_HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    TRANSPORT: "kafka",
    KAFKA_BROKERS: KAFKA,
    EVENTS_TOPIC: topic,
    TOPIC_PARTITIONS: "2",
    API_STORE: setup.store,
    ...(database ? { API_DATABASE_URL: database, API_DB_POOL: String(pool) } : {}),
  };
  const child: ChildProcess = spawn(process.execPath, [API_BIN], { env, stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      const url = /listening url=(\S+)/.exec(stderr)?.[1];
      if (url) resolve({ url, stop: async () => void (child.kill("SIGTERM"), await exited) });
    });
    child.once("exit", (code) => reject(new Error(`the API exited (${code}): ${stderr.slice(-1500)}`)));
  });
}

function printReport(rows: Row[], options: Options, loadBefore: number, loadAfter: number): void {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const lines = [
    `## bench/api-store (${new Date().toISOString()})`,
    "",
    `${options.duration} s per run, ${options.connections} connections per replica, ${options.rounds} rounds (alternating), ${options.players} players per replica, keys ${options.keys ? "on" : "off"}, API_DB_POOL ${options.pool}; ` +
      `Kafka ${KAFKA} (acks=all); ${os.cpus().length} cores; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.`,
    "",
    "| setup | round | replica | req/s | p50 ms | p99 ms | answered | retries | mismatches |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.setup} | ${r.round} | ${r.replica} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.answered} | ${r.retries} | ${r.mismatches} |`),
    "",
    "| setup | median req/s per replica | median p99 ms | total req/s (median round) |",
    "|---|---|---|---|",
    ...SETUPS.map((s) => {
      const mine = rows.filter((r) => r.setup === s.name);
      const perRound = [...new Set(mine.map((r) => r.round))].map((round) => mine.filter((r) => r.round === round).reduce((n, r) => n + r.rps, 0));
      return `| ${s.name} | ${Math.round(median(mine.map((r) => r.rps)))} | ${median(mine.map((r) => r.p99))} | ${Math.round(median(perRound))} |`;
    }),
  ];
  process.stdout.write(lines.join("\n") + "\n");
}
