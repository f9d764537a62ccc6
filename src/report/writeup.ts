/**
 * Assembles proj3_writeup.md: a header saying which stack and data produced it, then the
 * notebooks as nbconvert exported them (their images already in proj3_writeup_files/).
 */
import type { RunRecord } from "../pipeline";

const STACK_NAMES: Record<string, string> = {
  real: "the real stack (Kafka, HDFS with WebHDFS, Hive Metastore, Trino)",
  embedded: "the embedded default (embedded SQLite log, Parquet on local disk, DuckDB)",
};

/** The write-up's opening: title, provenance (stack, data, when), and how to reproduce it. */
export function writeupHeader(run: RunRecord, generatedAt: Date): string {
  const loads = run.loads.map((l) => `${l.requests} requests of the \`${l.scenario}\` scenario (seed ${l.seed})`).join(", then ");
  const lines = [
    "# Project 3: Understanding User Behavior",
    "",
    "A game-event analytics pipeline in TypeScript: an Express game API logs every player action to Kafka",
    "(or an embedded durable log), a streaming sink lands the events exactly once as Parquet tables on HDFS",
    "(or local disk), registered for SQL in the Hive Metastore and queried with Trino (or DuckDB), and tslab",
    "notebooks analyse them. This write-up is those notebooks, executed and exported.",
    "",
    `> **Produced by** \`npm run report\` on ${generatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, on ${STACK_NAMES[run.stack] ?? run.stack}`,
    `> (log: ${run.transport}, storage: ${run.storage}, SQL: ${run.query}). **Data**: ${loads}, sent by the project's load simulator`,
    `> between ${run.startedAt} and ${run.finishedAt}; every answer below was checked against the simulator's ground truth.`,
  ];
  if (run.stack !== "real") {
    lines.push(">", "> This run used the embedded default, not the real stack; `PIPELINE_STACK=real npm run report` produces the same report from Kafka, HDFS and Trino.");
  }
  lines.push("", "Contents: **Part 1**, the pipeline step by step; **Part 2**, the analysis (the reference's 13 questions, then revenue, items, players, guilds, refused actions and freshness).", "");
  return lines.join("\n");
}

/** Header, then each exported notebook, separated by a rule. */
export function assembleWriteup(run: RunRecord, parts: readonly string[], generatedAt: Date): string {
  return [writeupHeader(run, generatedAt), ...parts.map((p) => p.trim())].join("\n\n---\n\n") + "\n";
}
