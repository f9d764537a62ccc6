/**
 * `npm start`: the whole pipeline in one command, on the configured stack (the embedded default
 * when nothing is set): start the API, send a burst of simulated players, land it with the sink
 * in batch mode, register the tables, and check with SQL that every table holds what was sent.
 * Exits 0 when the tables match the simulator's ground truth, 1 otherwise.
 */
import { randomUUID } from "node:crypto";
import { loadConfig, type Config } from "../config";
import { createLogger, type Logger } from "../logger";
import { formatSummary, type TruthFile } from "../load";
import { countRows, describeStack, landBatch, openStack, sendLoad, startLocalApi } from "../pipeline";
import type { QueryEngine } from "../query";
import { runCli, UsageError } from "./cli";

interface Args {
  players: number;
  requests: number;
  seed: string;
}

const USAGE = `usage: npm start [-- --players N] [--requests N] [--seed S]

Runs the whole pipeline once on the configured stack (embedded default: local log, local disk,
DuckDB; PIPELINE_STACK=real for Kafka, HDFS, Hive Metastore and Trino):
  1. starts the game API on a free port,
  2. sends a burst of simulated players (default 300 players, 6000 requests, seed "start"),
  3. lands the log with the sink in batch mode (exactly once, resumable),
  4. checks with SQL that every table holds what the simulator expects, and prints the answers.
Every run tags its players, so runs on the same DATA_DIR add up and each run checks its own rows.
All configuration: see the README's configuration table.`;

function parseArgs(argv: string[]): Args {
  const args: Args = { players: 300, requests: 6000, seed: "start" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!["--players", "--requests", "--seed"].includes(flag)) throw new UsageError(`unknown argument: ${flag}`);
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (flag === "--players" || flag === "--requests") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
      args[flag === "--players" ? "players" : "requests"] = n;
    } else args.seed = value;
  }
  return args;
}

async function topSpenders(engine: QueryEngine, tag: string) {
  const result = await engine.query(
    `SELECT host, count(*) AS purchases, sum(cost) AS spent FROM purchases WHERE player_id LIKE '%-${tag}' GROUP BY host ORDER BY spent DESC, host LIMIT 5`,
  );
  return result.rows;
}

async function run(config: Config, args: Args, logger: Logger): Promise<number> {
  const tag = randomUUID().slice(0, 8);
  const out = (line = "") => process.stdout.write(line + "\n");
  out(`stack: ${config.stack}`);
  for (const { part, where } of describeStack(config)) out(`   ${part}: ${where}`);

  // 1. The API, on a free local port so `npm start` never collides with a running `npm run api`.
  const api = await startLocalApi(config, logger);
  out(`1. game API listening on ${api.url}`);

  // 2. A burst of simulated players.
  let truth: TruthFile;
  try {
    let last = 0;
    const load = await sendLoad(config, api.url, {
      scenario: "players", players: args.players, requests: args.requests, seed: args.seed, playerTag: tag,
      onProgress: (p) => {
        if (Date.now() - last > 2000) {
          last = Date.now();
          logger.info("load progress", { ...p });
        }
      },
    }, logger);
    truth = load.truth;
    out(`2. sent ${truth.run.sent} requests from ${args.players} players (run tag ${tag})`);
    for (const line of formatSummary(load.summary)) out("   " + line);
  } finally {
    await api.close();
  }

  // 3. Land everything with the sink, batch mode.
  const stack = await openStack(config, logger);
  const { engine } = stack;
  try {
    const summary = await landBatch(stack, logger);
    out(`3. sink landed ${summary.records} records (${summary.deadLetters} dead letters) in ${summary.filesWritten} files, ${(summary.bytesWritten / 1024).toFixed(0)} KiB, ${summary.seconds.toFixed(1)} s`);

    // 4. Check with SQL.
    const counts = await countRows(engine, { playerTag: tag });
    let ok = true;
    out("4. rows of this run per table (SQL) vs the simulator's ground truth:");
    for (const [table, n] of Object.entries(counts)) {
      const expected = truth.tables[table as keyof TruthFile["tables"]];
      const match = n === expected;
      ok &&= match;
      out(`   ${table.padEnd(16)} ${String(n).padStart(7)}  expected ${String(expected).padStart(7)}  ${match ? "ok" : "MISMATCH"}`);
    }
    out("   top spenders of this run:");
    for (const row of await topSpenders(engine, tag)) out(`   ${String(row.host).padEnd(30)} ${String(row.purchases)} purchases, ${String(row.spent)} spent`);
    out(ok ? "every table holds each event of this run exactly once" : "MISMATCH between the tables and the ground truth");
    out(`next: query the tables (${config.query.kind}), open the notebooks (npm run report), or run the API alone (npm run api)`);
    return ok ? 0 : 1;
  } finally {
    await stack.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const config: Config = loadConfig();
  const logger = createLogger({ level: config.logLevel === "info" ? "warn" : config.logLevel });
  return run(config, args, logger);
}

runCli("npm start", USAGE, main);
