/**
 * API benchmark against the reference (issue 7, item 1): our Express API on real Kafka, the
 * reference's Flask app (game_api.py, adapted copy) on the same broker and topic, and a bare Node
 * `http` server answering a constant (the ceiling). Same autocannon load for all three: the
 * reference request mix, 50 connections, a fixed duration, the contenders alternating round by
 * round. Each server runs in its own process; its CPU and peak RSS are sampled from /proc.
 *
 *   npm run bench -- reference-api [--duration 15] [--rounds 3] [--connections 50] [--only ours,flask,bare]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { adaptFlaskApp } from "./lib/adapt";
import { topicTools, sleep, type TopicTools } from "./lib/kafka";
import { runLoad } from "./lib/load";
import { freePort, httpUp, start, waitUntil, type Started } from "./lib/proc";
import { TreeMonitor } from "./lib/procfs";
import { benchSettings, requirePython, runDir, type BenchSettings } from "./lib/settings";
import { fmt, markdownTable, median, ratio } from "./lib/stats";

type Contender = "ours" | "flask" | "bare";
const CONTENDERS: readonly Contender[] = ["ours", "flask", "bare"];

export interface ApiRun {
  contender: Contender;
  round: number;
  rps: number;
  p50: number;
  p99: number;
  responses: number;
  status2xx: number;
  status4xx: number;
  status5xx: number;
  errors: number;
  /** Messages that appeared in the topic during the run. */
  inTopic: number;
  /** Answered requests whose event should be in the topic (2xx and 4xx: the game logs refusals too). */
  expectedInTopic: number;
  cpuSeconds: number;
  peakRssMiB: number;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string", default: "15" },
      rounds: { type: "string", default: "3" },
      connections: { type: "string", default: "50" },
      topic: { type: "string", default: "bench-reference-api" },
      only: { type: "string", default: CONTENDERS.join(",") },
    },
  });
  const settings = benchSettings(process.env);
  const contenders = values.only.split(",").filter((c): c is Contender => (CONTENDERS as readonly string[]).includes(c));
  const duration = Number(values.duration);
  const rounds = Number(values.rounds);
  const connections = Number(values.connections);
  const topic = values.topic;
  const dir = runDir("reference-api");
  log(`work dir ${dir}; topic ${topic}; ${rounds} rounds x ${contenders.join(",")}, ${duration}s each, ${connections} connections`);

  const flaskApp = path.join(dir, "game_api.py");
  if (contenders.includes("flask")) {
    const adapted = adaptFlaskApp(fs.readFileSync(path.join(settings.referenceDir, "game_api.py"), "utf8"), {
      brokers: settings.brokers.join(","),
      topic,
    });
    fs.writeFileSync(flaskApp, adapted.text);
    log("game_api.py adapted copy:\n  - " + adapted.changes.join("\n  - "));
  }

  const kafka = await topicTools(settings.brokers);
  await kafka.ensureTopic(topic, 1);
  const runs: ApiRun[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      // Rotate the order each round so no contender always runs first (warm broker, cool CPU).
      const order = contenders.map((_, i) => contenders[(i + round - 1) % contenders.length]);
      for (const contender of order) {
        const result = await runOne(contender, round, { settings, dir, topic, kafka, duration, connections, flaskApp });
        runs.push(result);
        log(`${contender} round ${round}: ${fmt(result.rps, 0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
          `2xx ${result.status2xx} 4xx ${result.status4xx} 5xx ${result.status5xx} errors ${result.errors}, ` +
          `in topic ${result.inTopic}/${result.expectedInTopic}, cpu ${fmt(result.cpuSeconds)} s, rss ${fmt(result.peakRssMiB, 0)} MiB`);
      }
    }
  } finally {
    await kafka.close();
  }
  fs.writeFileSync(path.join(dir, "runs.json"), JSON.stringify(runs, null, 2));
  process.stdout.write(summarise(runs, { duration, connections }) + "\n");
  log(`raw runs: ${path.join(dir, "runs.json")}`);
}

interface RunContext {
  settings: BenchSettings;
  dir: string;
  topic: string;
  kafka: TopicTools;
  duration: number;
  connections: number;
  flaskApp: string;
}

async function runOne(contender: Contender, round: number, ctx: RunContext): Promise<ApiRun> {
  const port = await freePort();
  const server = startServer(contender, port, round, ctx);
  try {
    await waitUntil(`${contender} server`, () => httpUp(`http://127.0.0.1:${port}/`), 120_000, server);
    await sleep(1000);
    const before = await ctx.kafka.count(ctx.topic);
    const monitor = new TreeMonitor(server.pid);
    const result = await runLoad({ url: `http://127.0.0.1:${port}`, connections: ctx.connections, durationSeconds: ctx.duration });
    const usage = monitor.stop();
    const inTopic = contender === "bare" ? 0 : (await settledCount(ctx.kafka, ctx.topic)) - before;
    return {
      contender,
      round,
      rps: result.requests.total / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      responses: result.requests.total,
      status2xx: result["2xx"],
      status4xx: result["4xx"],
      status5xx: result["5xx"],
      errors: result.errors,
      inTopic,
      expectedInTopic: contender === "bare" ? 0 : result["2xx"] + result["4xx"],
      cpuSeconds: usage.cpuSeconds,
      peakRssMiB: usage.peakRssBytes / 2 ** 20,
    };
  } finally {
    await server.stop();
  }
}

/** The topic count once it has stopped moving (a producer may still be flushing its buffer). */
async function settledCount(kafka: TopicTools, topic: string): Promise<number> {
  let last = await kafka.count(topic);
  for (let stable = 0; stable < 4; ) {
    await sleep(500);
    const now = await kafka.count(topic);
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

function startServer(contender: Contender, port: number, round: number, ctx: RunContext): Started {
  const logFile = path.join(ctx.dir, `${contender}-${round}.log`);
  const env = ctx.settings.baseEnv;
  switch (contender) {
    case "ours":
      return start("ours", process.execPath, [path.join(ctx.settings.repoRoot, "dist", "src", "bin", "api.js")], {
        logFile,
        env: {
          ...env,
          PIPELINE_STACK: "real",
          PORT: String(port),
          API_HOST: "127.0.0.1",
          EVENTS_TOPIC: ctx.topic,
          DATA_DIR: path.join(ctx.dir, `ours-${round}`),
          LOG_LEVEL: "warn",
        },
      });
    case "flask": {
      const python = requirePython(ctx.settings);
      // The reference ran `flask run`: Werkzeug's threaded development server, as here.
      return start("flask", path.join(python.venv, "bin", "flask"), ["--app", "game_api", "run", "--host", "127.0.0.1", "--port", String(port)], {
        logFile,
        cwd: ctx.dir,
        env: { ...env, PYTHONUNBUFFERED: "1" },
      });
    }
    case "bare":
      return start("bare", process.execPath, ["-e", BARE_SERVER, String(port)], { logFile, env });
  }
}

/** The ceiling: Node's http module answering a constant, no routing, no logging. */
const BARE_SERVER = `require("node:http").createServer((req, res) => res.end("ok\\n")).listen(Number(process.argv[1]), "127.0.0.1")`;

export function summarise(runs: readonly ApiRun[], opts: { duration: number; connections: number }): string {
  const by = (c: Contender) => runs.filter((r) => r.contender === c);
  const med = (c: Contender, k: keyof ApiRun) => median(by(c).map((r) => Number(r[k])));
  const present = CONTENDERS.filter((c) => by(c).length > 0);
  const rows = present.map((c) => {
    const lost = by(c).reduce((sum, r) => sum + Math.max(0, r.expectedInTopic - r.inTopic), 0);
    const sum = (k: keyof ApiRun) => by(c).reduce((s, r) => s + Number(r[k]), 0);
    return [
      c,
      String(by(c).length),
      fmt(med(c, "rps"), 0),
      fmt(med(c, "p50"), 1),
      fmt(med(c, "p99"), 1),
      `${sum("status2xx")}/${sum("status4xx")}/${sum("status5xx")}/${sum("errors")}`,
      c === "bare" ? "-" : `${sum("inTopic")}/${sum("expectedInTopic")} (lost ${lost})`,
      fmt(med(c, "cpuSeconds"), 1),
      fmt(med(c, "peakRssMiB"), 0),
    ];
  });
  const table = markdownTable(
    ["server", "runs", "req/s (median)", "p50 ms", "p99 ms", "2xx/4xx/5xx/errors (all runs)", "in topic / expected", "server CPU s", "server peak RSS MiB"],
    rows,
  );
  const lines = [table, ""];
  const ours = med("ours", "rps");
  if (by("flask").length) lines.push(`ours / flask req/s: ${fmt(ratio(ours, med("flask", "rps")), 2)}x (target >= 10x)`);
  if (by("bare").length) lines.push(`ours / bare ceiling req/s: ${fmt(100 * ratio(ours, med("bare", "rps")), 0)}% (target >= 40%)`);
  lines.push(`load: reference mix (13 kinds, 32 requests interleaved), ${opts.connections} connections, ${opts.duration} s per run`);
  return lines.join("\n");
}

function log(msg: string): void {
  process.stderr.write(`[reference-api] ${msg}\n`);
}
