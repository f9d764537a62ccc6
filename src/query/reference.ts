/**
 * The reference's 13 report queries (queries/reference/, verbatim from the user's notebook),
 * with DuckDB equivalents (queries/reference-duckdb/) where DuckDB's dialect differs.
 * Presto and Trino run the reference files unchanged.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../errors";
import type { QueryEngine, QueryResult } from "./engine";

/** A result whose rows have a known shape. */
export interface Rows<R> extends QueryResult {
  rows: (R & Record<string, unknown>)[];
}

type Host = string | null;
/** Trino's DESCRIBE row (the DuckDB equivalent answers the same columns). */
export interface DescribeRow { Column: string; Type: string; Extra: string; Comment: string | null }

/** Each reference query's answer, keyed by the query's name. */
export interface ReferenceAnswers {
  "show-tables": Rows<{ Table: string }>;
  "describe-purchases": Rows<DescribeRow>;
  "purchases-sample": QueryResult;
  "purchase-hosts": Rows<{ host: Host }>;
  "purchases-per-host": Rows<{ host: Host; num_purchases: number }>;
  "money-spent-per-host": Rows<{ host: Host; money_spent: number | null }>;
  "purchases-per-item": Rows<{ type: string; num_purchases: number }>;
  "describe-guilds": Rows<DescribeRow>;
  "guild-events": Rows<{ num_events: number }>;
  "guild-events-accepted": Rows<{ num_events: number }>;
  "current-guild-members": Rows<{ guild_name: string; guild_member_cnt: number }>;
  "guild-joins-per-host": Rows<{ host: Host; event_type: string; num_times: number }>;
  "guild-leaves-per-host": Rows<{ host: Host; event_type: string; num_times: number }>;
}

export type ReferenceName = keyof ReferenceAnswers;

export interface ReferenceQuery {
  /** "01" to "13", the order of the reference notebook. */
  id: string;
  name: ReferenceName;
  /** The file that runs on this engine (queries/reference/ or queries/reference-duckdb/). */
  file: string;
  sql: string;
}

/** queries/ at the top of the checkout, found from src/query (tslab runs the sources) or dist/src/query (built). */
export function queriesRoot(from: string = __dirname): string {
  for (const up of [["..", ".."], ["..", "..", ".."]]) {
    const dir = path.resolve(from, ...up, "queries");
    if (fs.existsSync(path.join(dir, "reference"))) return dir;
  }
  throw new ConfigError(`queries/reference not found above ${from}`, "queries");
}

/** The 13 queries as `kind` runs them, in the reference's order. */
export function referenceQueries(kind: QueryEngine["kind"], root: string = queriesRoot()): ReferenceQuery[] {
  const files = fs.readdirSync(path.join(root, "reference")).filter((f) => /^\d\d-.+\.sql$/.test(f)).sort();
  return files.map((name) => {
    const override = path.join(root, "reference-duckdb", name);
    const file = kind === "duckdb" && fs.existsSync(override) ? override : path.join(root, "reference", name);
    return { id: name.slice(0, 2), name: name.slice(3, -4) as ReferenceName, file, sql: fs.readFileSync(file, "utf8") };
  });
}

/** Runs the 13 reference queries in order; each answer keyed by the query's name. */
export async function runReferenceQueries(engine: QueryEngine, root?: string): Promise<ReferenceAnswers> {
  const answers: Record<string, QueryResult> = {};
  for (const q of referenceQueries(engine.kind, root)) answers[q.name] = await engine.query(q.sql);
  return answers as unknown as ReferenceAnswers;
}
