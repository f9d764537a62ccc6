/**
 * What the pipeline notebook hands to the analysis notebook (they run in separate kernels):
 * the stack used, the loads sent and their combined ground truth, kept as JSON under DATA_DIR.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { StackKind } from "../config";
import { ReportError } from "./errors";
import type { TruthFacts } from "./truth";

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
    throw new ReportError(`${file} not found: run notebooks/01-pipeline.ipynb first (same DATA_DIR)`);
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as RunRecord;
}
