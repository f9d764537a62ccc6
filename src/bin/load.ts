#!/usr/bin/env node
/**
 * `npm run load -- [flags]`: the player simulator. Sends a scenario to the game API with
 * autocannon, shows progress, prints a summary, and writes the ground truth as JSON.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { SingleBar, Presets } from "cli-progress";
import { loadConfig } from "../config";
import { createLogger } from "../logger";
import { runCli, UsageError } from "./cli";
import { DEFAULT_CONNECTIONS, formatSummary, loadCatalog, runLoad, SCENARIO_DEFAULTS, SCENARIOS, type DriveProgress, type ScenarioName } from "../load";

const HELP = `Usage: npm run load -- [options]

Player simulator: sends a scenario to the game API with autocannon and writes the ground
truth (what the pipeline must show) as JSON.

Options:
  --scenario NAME     players (default) or reference (the exact ab.sh mix and Host headers)
  --players N         simulated players in the players scenario (default ${SCENARIO_DEFAULTS.players})
  --requests N        send exactly N requests (default 10000; reference: 32 = one ab.sh pass)
  --duration S        send for S seconds instead of a fixed count
  --rate R            overall requests per second (default: as fast as the API answers)
  --connections C     concurrent connections (default ${DEFAULT_CONNECTIONS}); each owns a disjoint set
                      of players and sends their requests one at a time, in order
  --seed S            PRNG seed (default ${SCENARIO_DEFAULTS.seed}); same seed, same request sequence
  --invalid SHARE     share of deliberately invalid requests, 0..1 (default ${SCENARIO_DEFAULTS.invalidShare}):
                      unknown items (404), bad names (400), repeated joins / leaving
                      a guild one is not in (409)
  --player-tag TAG    also send X-Player-Id <host>-<TAG>: fresh players on an API that
                      already has state (guild memberships survive restarts)
  --domain D          Host header domain of the players (default example.com)
  --url URL           the game API (default LOAD_URL, else http://localhost:$PORT, port 5000)
  --truth FILE        write the ground truth JSON to FILE
  --json              print the summary as JSON on stdout instead of text
  --timeout S         per-request timeout in seconds (default 10)
  --no-keys           send no Idempotency-Key and retry nothing (by default every request has a
                      key, and a 503 or a lost answer is retried with it up to 5 times)
  -h, --help          show this help

Exit status: 0 when every request was answered as expected, 1 otherwise.
Example: npm run load -- --scenario players --players 500 --requests 20000 --seed 42 --truth out.json`;

function number(flags: Record<string, string | boolean | undefined>, name: string, min: number, integer = true): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${integer ? "an integer" : "a number"} >= ${min}, got "${String(raw)}"`);
  }
  return value;
}

function progressReporter(json: boolean, log: (line: string) => void): { update: (p: DriveProgress) => void; stop: () => void } {
  if (process.stderr.isTTY && !json) {
    const bar = new SingleBar({ format: "load [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left", stream: process.stderr }, Presets.shades_classic);
    let started = false;
    return {
      update(p) {
        const total = p.total ?? Math.round((p.durationMs ?? 1) / 100);
        const value = p.total !== undefined ? p.answered : Math.min(total, Math.round(p.elapsedMs / 100));
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(value);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(p) {
      if (p.elapsedMs - last < 5000) return;
      last = p.elapsedMs;
      const of = p.total !== undefined ? `/${p.total}` : "";
      log(`${p.answered}${of} requests answered after ${(p.elapsedMs / 1000).toFixed(0)} s`);
    },
    stop: () => undefined,
  };
}

async function main(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      scenario: { type: "string" },
      players: { type: "string" },
      requests: { type: "string" },
      duration: { type: "string" },
      rate: { type: "string" },
      connections: { type: "string" },
      seed: { type: "string" },
      invalid: { type: "string" },
      "player-tag": { type: "string" },
      domain: { type: "string" },
      url: { type: "string" },
      truth: { type: "string" },
      json: { type: "boolean" },
      timeout: { type: "string" },
      "no-keys": { type: "boolean" },
    },
  });
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, ns: "load" });
  const scenario = (flags.scenario ?? "players") as ScenarioName;
  if (!SCENARIOS.includes(scenario)) throw new UsageError(`--scenario must be one of ${SCENARIOS.join(", ")}`);
  if (flags.requests !== undefined && flags.duration !== undefined) throw new UsageError("give --requests or --duration, not both");
  const seed = flags.seed === undefined ? undefined : /^-?\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed;
  const progress = progressReporter(Boolean(flags.json), (line) => logger.info(line));

  // 1. Run.
  const { summary, truth } = await runLoad({
    url: (flags.url ?? config.load.url).replace(/\/+$/, ""),
    catalog: loadCatalog(config.api.catalogFile, config.api.maxNameLength),
    maxNameLength: config.api.maxNameLength,
    apiKey: config.load.apiKey,
    scenario,
    players: number(flags, "players", 1),
    requests: number(flags, "requests", 0),
    durationSec: number(flags, "duration", 0, false),
    rate: number(flags, "rate", 1),
    connections: number(flags, "connections", 1),
    seed,
    invalidShare: number(flags, "invalid", 0, false),
    playerTag: flags["player-tag"],
    domain: flags.domain,
    timeoutSec: number(flags, "timeout", 1),
    idempotencyKeys: !flags["no-keys"],
    logger,
    onProgress: progress.update,
  }).finally(progress.stop);

  // 2. Report.
  if (flags.truth) {
    fs.mkdirSync(path.dirname(path.resolve(flags.truth)), { recursive: true });
    fs.writeFileSync(flags.truth, JSON.stringify(truth, null, 2) + "\n");
    logger.info("ground truth written", { file: flags.truth });
  }
  process.stdout.write(flags.json ? JSON.stringify(summary, null, 2) + "\n" : formatSummary(summary).join("\n") + "\n");
  return truth.run.exact ? 0 : 1;
}

runCli("load", HELP, main);
