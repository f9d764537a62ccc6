/**
 * Answers checked against an expected value, per key: the analysis notebook's last cell compares
 * its answers with the simulator's ground truth this way and fails on any difference.
 */
import { ReportError } from "../report/errors";
import { rows, type DataFrame } from "./frame";
import { markdownTable } from "./markdown";
import { publish } from "./publish";

export type Counts = Record<string, number>;

export interface Check {
  question: string;
  expected: string;
  actual: string;
  ok: boolean;
}

/** Canonical text of a name -> number map without zero entries, sorted by name (long ones summarised). */
export function describeCounts(counts: Counts): string {
  const entries = Object.entries(counts).filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length > 8) {
    const total = entries.reduce((s, [, n]) => s + n, 0);
    return `${entries.length} entries, total ${total}, ${entries.slice(0, 3).map(([k, n]) => `${k}=${n}`).join(", ")}, ...`;
  }
  return entries.map(([k, n]) => `${k}=${n}`).join(", ") || "(none)";
}

/** Compares two name -> number maps (a missing name counts as 0); a difference names its first keys. */
export function compare(question: string, expected: Counts, actual: Counts): Check {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  const differ = keys.filter((k) => (expected[k] ?? 0) !== (actual[k] ?? 0));
  const detail = differ.slice(0, 5).map((k) => `${k}: expected ${expected[k] ?? 0}, got ${actual[k] ?? 0}`).join("; ");
  return {
    question,
    expected: describeCounts(expected),
    actual: describeCounts(actual) + (differ.length > 0 ? ` — differs at ${detail}` : ""),
    ok: differ.length === 0,
  };
}

/** A frame's `value` column keyed by its `key` column (numbers; repeated keys add up). */
export function countsOf(frame: DataFrame, key: string, value: string): Counts {
  const out: Counts = {};
  for (const row of rows(frame)) out[String(row[key])] = (out[String(row[key])] ?? 0) + Number(row[value] ?? 0);
  return out;
}

/** Shows the checks as a table and throws when one failed, naming every failed question. */
export function showChecks(checks: readonly Check[]): void {
  const columns = ["question", "expected", "answer", "agrees"].map((name) => ({ name, numeric: false }));
  const table = checks.map((c) => ({ question: c.question, expected: c.expected, answer: c.actual, agrees: c.ok ? "yes" : "**NO**" }));
  publish({ "text/markdown": markdownTable(columns, table, { rows: checks.length, maxCellChars: 160 }) });
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    throw new ReportError(`answers differ from the ground truth: ${failed.map((c) => `${c.question} (${c.actual})`).join("; ")}`);
  }
}
