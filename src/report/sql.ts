/**
 * The analysis SQL lives in named files under queries/analysis/ (one question per file),
 * written in the subset DuckDB and Trino share, so one file serves both stacks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../errors";

/** Time bucket of the time-series queries; the only value ever spliced into SQL. */
export type TimeUnit = "second" | "minute" | "hour" | "day";
const UNITS: readonly TimeUnit[] = ["second", "minute", "hour", "day"];

export interface SqlParams {
  unit?: TimeUnit;
}

/** queries/ at the top of the checkout, found from src/report (tsx) or dist/src/report (built). */
export function queriesDir(from: string = __dirname): string {
  for (const up of [["..", ".."], ["..", "..", ".."]]) {
    const dir = path.resolve(from, ...up, "queries");
    if (fs.existsSync(path.join(dir, "analysis"))) return dir;
  }
  throw new ConfigError(`queries/analysis not found above ${from}`, "queries");
}

/** Fills `{{unit}}` placeholders; refuses unknown placeholders and values outside the allow-list. */
export function fillSql(template: string, params: SqlParams = {}): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (name !== "unit") throw new ConfigError(`unknown SQL placeholder {{${name}}}`, name);
    if (!params.unit || !UNITS.includes(params.unit)) throw new ConfigError(`SQL needs unit, one of ${UNITS.join(", ")}`, name);
    return params.unit;
  });
}

/** The SQL of queries/analysis/<name>.sql with its placeholders filled (comments kept, trailing `;` dropped). */
export function analysisSql(name: string, params: SqlParams = {}, dir: string = queriesDir()): string {
  const text = fs.readFileSync(path.join(dir, "analysis", `${name}.sql`), "utf8");
  return fillSql(text, params).trim().replace(/;\s*$/, "");
}

/** The time bucket that gives a readable number of points (roughly 10 to 300) over `spanMs`. */
export function chooseTimeUnit(spanMs: number): TimeUnit {
  if (spanMs <= 5 * 60_000) return "second";
  if (spanMs <= 5 * 3_600_000) return "minute";
  if (spanMs <= 10 * 86_400_000) return "hour";
  return "day";
}
