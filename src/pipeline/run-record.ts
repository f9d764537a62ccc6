/**
 * What a pipeline run hands to the analysis (notebooks/02-analysis.ipynb runs in another
 * kernel): the stack used, the loads sent and their combined ground truth, kept as JSON under
 * DATA_DIR.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Config, StackKind } from "../config";
import { PipelineError } from "../errors";
import type { LoadResult } from "../load";
import { mergeTruth, truthFacts, type TruthFacts } from "./truth";

export interface LoadRecord {
  scenario: string;
  requests: number;
  seed: number | string;
  players: number;
  requestsPerSec: number;
  exact: boolean;
}

export interface RunRecord {
  stack: StackKind;
  transport: string;
  storage: string;
  query: string;
  startedAt: string;
  finishedAt: string;
  loads: LoadRecord[];
  truth: TruthFacts;
}

export const runRecordPath = (dataDir: string): string => path.join(dataDir, "report", "run.json");

/** The record of a run that sent `loads` (in order) on the configured stack. */
export function runRecord(config: Config, loads: readonly LoadResult[], startedAt: Date, finishedAt = new Date()): RunRecord {
  if (loads.length === 0) throw new PipelineError("no load was sent: nothing to record");
  return {
    stack: config.stack,
    transport: config.transport.kind,
    storage: config.storage.kind,
    query: config.query.kind,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    loads: loads.map(({ truth, summary }) => ({
      scenario: truth.run.scenario, requests: summary.requests.answered, seed: truth.run.seed,
      players: truth.run.players, requestsPerSec: summary.requestsPerSec, exact: truth.run.exact,
    })),
    truth: loads.map((l) => truthFacts(l.truth)).reduce(mergeTruth),
  };
}

/** Writes the record atomically (temp file, rename); returns its path. */
export function writeRunRecord(dataDir: string, record: RunRecord): string {
  const file = runRecordPath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file + ".tmp", JSON.stringify(record, null, 2));
  fs.renameSync(file + ".tmp", file);
  return file;
}

export function readRunRecord(dataDir: string): RunRecord {
  const file = runRecordPath(dataDir);
  if (!fs.existsSync(file)) {
    throw new PipelineError(`${file} not found: run notebooks/01-pipeline.ipynb first (same DATA_DIR)`);
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as RunRecord;
}
