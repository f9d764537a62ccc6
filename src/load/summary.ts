/** The end-of-run summary: throughput, latency, status codes, and answers that broke expectations. */
import type { DriveResult } from "./driver";
import type { Expectation } from "./request";

export interface Mismatch {
  seq: number;
  player: string;
  path: string;
  expected: number;
  actual: number;
}

export interface LoadSummary {
  scenario: string;
  seed: number | string;
  url: string;
  connections: number;
  rate: number | null;
  /** `retried`: requests sent again with their Idempotency-Key after a 503 or no answer. */
  requests: { sent: number; answered: number; unanswered: number; retried: number };
  elapsedSec: number;
  requestsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  statusCodes: Record<string, number>;
  expectedStatusCodes: Record<string, number>;
  /** Answered requests whose status differs from the expected one (0 when the API is healthy). */
  mismatches: number;
  mismatchExamples: Mismatch[];
  errors: number;
  timeouts: number;
}

const MAX_EXAMPLES = 10;

/** Builds the summary; `expected[i]` is the expected answer of `run.answered[i]`. */
export function summarize(
  meta: { scenario: string; seed: number | string; url: string; connections: number; rate?: number },
  run: DriveResult,
  expected: readonly Expectation[],
): LoadSummary {
  const statusCodes: Record<string, number> = {};
  const expectedStatusCodes: Record<string, number> = {};
  const examples: Mismatch[] = [];
  let mismatches = 0;
  run.answered.forEach(({ request, status }, i) => {
    statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    const want = expected[i].status;
    expectedStatusCodes[want] = (expectedStatusCodes[want] ?? 0) + 1;
    if (status !== want) {
      mismatches++;
      if (examples.length < MAX_EXAMPLES) examples.push({ seq: request.seq, player: request.player, path: request.path, expected: want, actual: status });
    }
  });
  const elapsedSec = run.elapsedMs / 1000;
  return {
    ...meta,
    rate: meta.rate ?? null,
    requests: { sent: run.answered.length + run.unanswered.length, answered: run.answered.length, unanswered: run.unanswered.length, retried: run.retries },
    elapsedSec: round(elapsedSec, 2),
    requestsPerSec: elapsedSec > 0 ? round(run.answered.length / elapsedSec, 1) : 0,
    latencyMs: run.latency,
    statusCodes,
    expectedStatusCodes,
    mismatches,
    mismatchExamples: examples,
    errors: run.errors,
    timeouts: run.timeouts,
  };
}

/** Human-readable lines for the end of a CLI run. */
export function formatSummary(s: LoadSummary): string[] {
  const codes = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${k}=${v}`).join(" ") || "-";
  const lines = [
    `scenario ${s.scenario} seed ${s.seed} -> ${s.url} (${s.connections} connections${s.rate ? `, ${s.rate} req/s` : ""})`,
    `requests: ${s.requests.answered} answered, ${s.requests.unanswered} unanswered (${s.requests.retried} retries) in ${s.elapsedSec} s = ${s.requestsPerSec} req/s`,
    `latency ms: p50 ${s.latencyMs.p50}  p90 ${s.latencyMs.p90}  p99 ${s.latencyMs.p99}  max ${s.latencyMs.max}`,
    `status codes: ${codes(s.statusCodes)}   (expected: ${codes(s.expectedStatusCodes)})`,
    `mismatches: ${s.mismatches}${s.errors ? `   errors: ${s.errors} (timeouts ${s.timeouts})` : ""}`,
  ];
  if (s.requests.answered === 0 && s.requests.unanswered > 0) lines.push(`no answer at all: is the API running at ${s.url}?`);
  for (const m of s.mismatchExamples) lines.push(`  #${m.seq} ${m.player} ${m.path}: expected ${m.expected}, got ${m.actual}`);
  return lines;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
