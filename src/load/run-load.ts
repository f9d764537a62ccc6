/**
 * runLoad: plan a scenario, send it with autocannon, and return a summary of the run and the
 * ground truth the pipeline must match. Used by `npm run load`, `npm start` and the notebooks.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../logger";
import { silentLogger } from "../logger";
import type { Catalog } from "../api/catalog";
import type { Secret } from "../secret";
import { drive, type DriveProgress } from "./driver";
import { fixedLanes, streamingLanes } from "./lanes";
import { openScenario, planRequests, SCENARIO_DEFAULTS, type ScenarioName } from "./scenario";
import { summarize, type LoadSummary } from "./summary";
import { computeTruth, type GroundTruth } from "./truth";

export interface LoadOptions {
  url: string;
  catalog: Catalog;
  scenario?: ScenarioName;
  players?: number;
  /** Send exactly this many requests (default: 32, one ab.sh pass, for `reference`; 10000 for `players`). */
  requests?: number;
  /** Send for this long instead of a fixed count. */
  durationSec?: number;
  /** Overall requests per second (default: as fast as the API answers). */
  rate?: number;
  connections?: number;
  seed?: number | string;
  invalidShare?: number;
  /** Adds X-Player-Id `<host>-<tag>` so players start with no guild memberships on a used API. */
  playerTag?: string;
  domain?: string;
  maxNameLength?: number;
  timeoutSec?: number;
  /** Sent as X-Api-Key when the API asks for a key (config.load.apiKey). */
  apiKey?: Secret | null;
  /** Send an Idempotency-Key with each request and retry 503s with it (default true). */
  idempotencyKeys?: boolean;
  /** Times one request is sent again after a 503 or no answer (default 5). */
  maxRetries?: number;
  logger?: Logger;
  onProgress?: (progress: DriveProgress) => void;
}

/** The ground truth file: the truth plus how the run was made. */
export interface TruthFile extends GroundTruth {
  run: {
    scenario: ScenarioName;
    seed: number | string;
    players: number;
    invalidShare: number;
    playerTag: string | null;
    url: string;
    startedAt: string;
    sent: number;
    unanswered: number;
    /** Requests sent again with their Idempotency-Key after a 503 or no answer (each still one event). */
    retries: number;
    /** True when every request was answered as expected: the truth is then exact. */
    exact: boolean;
  };
}

export interface LoadResult {
  summary: LoadSummary;
  truth: TruthFile;
}

export const DEFAULT_CONNECTIONS = 16;

/** Runs a load scenario against the API at `options.url`. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const logger = options.logger ?? silentLogger;
  const scenario = options.scenario ?? "players";
  const seed = options.seed ?? SCENARIO_DEFAULTS.seed;
  const scenarioOptions = { ...options, scenario, seed };
  const startedAt = new Date().toISOString();

  // 1. Plan: fixed lanes for a request count, endless lanes for a duration.
  const { players } = openScenario(scenarioOptions);
  let connections = Math.max(1, options.connections ?? DEFAULT_CONNECTIONS);
  if (options.rate && options.rate > 0) connections = Math.min(connections, Math.floor(options.rate));
  const durationMs = options.durationSec !== undefined ? options.durationSec * 1000 : undefined;
  const count = durationMs === undefined ? options.requests ?? (scenario === "reference" ? 32 : 10_000) : undefined;
  const lanes = count !== undefined
    ? fixedLanes(planRequests(scenarioOptions, count), connections)
    : streamingLanes(openScenario(scenarioOptions).sequence, connections, players);
  logger.info("load starting", { scenario, seed, url: options.url, requests: count ?? null, durationSec: options.durationSec ?? null, connections: lanes.count, rate: options.rate ?? null });

  // 2. Send. Keys are unique per run, so a second run on the same API is never taken for a retry.
  const keyPrefix = options.idempotencyKeys === false ? null : randomUUID().slice(0, 8);
  const run = count === 0
    ? { answered: [], unanswered: [], latency: { p50: 0, p90: 0, p99: 0, mean: 0, max: 0 }, errors: 0, timeouts: 0, retries: 0, elapsedMs: 0 }
    : await drive({ url: options.url, lanes, rate: options.rate, durationMs, timeoutSec: options.timeoutSec, apiKey: options.apiKey, onProgress: options.onProgress, keyPrefix, maxRetries: options.maxRetries });

  // 3. Replay what was answered (in sequence order, which keeps each player's order) for the truth.
  //    A retried request counts once, with its final answer: the API logged one event for it.
  run.answered.sort((a, b) => a.request.seq - b.request.seq);
  const { truth, expected } = computeTruth(run.answered.map((a) => a.request), options.catalog, options);
  const summary = summarize({ scenario, seed, url: options.url, connections: lanes.count, rate: options.rate }, run, expected);
  const file: TruthFile = {
    ...truth,
    run: {
      scenario,
      seed,
      players: scenario === "reference" ? players : options.players ?? SCENARIO_DEFAULTS.players,
      invalidShare: scenario === "reference" ? 0 : options.invalidShare ?? SCENARIO_DEFAULTS.invalidShare,
      playerTag: options.playerTag ?? null,
      url: options.url,
      startedAt,
      sent: run.answered.length + run.unanswered.length,
      unanswered: run.unanswered.length,
      retries: run.retries,
      exact: run.unanswered.length === 0 && summary.mismatches === 0,
    },
  };
  logger.info("load done", { answered: summary.requests.answered, mismatches: summary.mismatches, rps: summary.requestsPerSec });
  return { summary, truth: file };
}
