/**
 * Query benchmark (issue 7, item 4): the report's 13 reference queries, verbatim, on Trino over
 * tables our sink wrote as streaming would (many small files: a small roll size stands in for a
 * day of 2-second rolls), before and after our compaction. Per query: median elapsed time, splits
 * (Trino opens one or more per file: the "files scanned") and input bytes.
 *
 *   npm run bench -- reference-query [--events 1000000] [--roll-rows 2000] [--reps 3] [--compact "--compact"]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { referenceQueries } from "../../src/query/reference";
import { topicTools } from "./lib/kafka";
import { start } from "./lib/proc";
import { benchSettings, runDir, type BenchSettings } from "./lib/settings";
import { fmt, markdownTable, median, ratio } from "./lib/stats";
import { Trino } from "./lib/trino";
import { tableFiles, WebHdfs } from "./lib/webhdfs";
import { prepareTopic } from "./sink";

const TABLES = ["events", "sword_purchases", "purchases", "guilds"] as const;

interface QueryFigures {
  name: string;
  elapsedMs: number;
  splits: number;
  inputMiB: number;
}

interface Phase {
  files: Record<string, number>;
  queries: QueryFigures[];
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: "string", default: "1000000" },
      partitions: { type: "string", default: "2" },
      "roll-rows": { type: "string", default: "2000" },
      reps: { type: "string", default: "3" },
      // The sink's compaction sub-command, as `node dist/src/bin/sink.js <args>`.
      compact: { type: "string", default: "--compact" },
      // SINK_WRITER_MEMORY for the compaction run (the sink's default when absent).
      "compact-memory": { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  const settings = benchSettings(process.env);
  const events = Number(values.events);
  const partitions = Number(values.partitions);
  const topic = `bench-reference-sink-${events}-p${partitions}`;
  const dir = runDir("reference-query");
  const id = path.basename(dir).replace(/[^a-zA-Z0-9]/g, "_").toLowerCase().slice(-20);
  const schema = `bench_query_${id}`;
  const base = `/bench/query/${id}`;
  const trino = new Trino(settings.trinoUrl);
  const hdfs = new WebHdfs(settings.webhdfsUrl, settings.hdfsUser);
  log(`work dir ${dir}; ${events} events from ${topic}; files rolled every ${values["roll-rows"]} rows; schema ${schema}`);

  const kafka = await topicTools(settings.brokers);
  try {
    await prepareTopic(kafka, topic, events, partitions);
  } finally {
    await kafka.close();
  }
  try {
    // 1. Land the topic as small files, the shape a day of streaming leaves behind.
    await sinkCommand(settings, dir, "land", ["--mode", "batch"], { topic, base, schema, rollRows: values["roll-rows"] });
    const before = await measurePhase(trino, hdfs, base, schema, Number(values.reps));
    log(`before compaction: files ${JSON.stringify(before.files)}`);
    fs.writeFileSync(path.join(dir, "before.json"), JSON.stringify(before, null, 2));
    // 2. Compact, then the same queries again.
    const t0 = Date.now();
    try {
      await sinkCommand(settings, dir, "compact", values.compact.split(" "), { topic, base, schema, rollRows: values["roll-rows"], memory: values["compact-memory"] });
    } catch (error) {
      process.stdout.write(summarise(before, null, events, Number(values["roll-rows"])) + "\n");
      throw error;
    }
    log(`compaction took ${fmt((Date.now() - t0) / 1000)} s`);
    const after = await measurePhase(trino, hdfs, base, schema, Number(values.reps));
    log(`after compaction: files ${JSON.stringify(after.files)}`);
    fs.writeFileSync(path.join(dir, "phases.json"), JSON.stringify({ before, after }, null, 2));
    process.stdout.write(summarise(before, after, events, Number(values["roll-rows"])) + "\n");
  } finally {
    if (!values.keep) {
      await trino.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await hdfs.delete(base).catch(() => undefined);
    }
  }
  log(`raw figures and logs: ${dir}`);
}

async function sinkCommand(settings: BenchSettings, dir: string, name: string, args: string[], o: { topic: string; base: string; schema: string; rollRows: string; memory?: string }): Promise<void> {
  const proc = start(`sink-${name}`, process.execPath, [path.join(settings.repoRoot, "dist", "src", "bin", "sink.js"), ...args], {
    logFile: path.join(dir, `sink-${name}.log`),
    env: {
      ...settings.baseEnv,
      PIPELINE_STACK: "real",
      EVENTS_TOPIC: o.topic,
      WAREHOUSE_DIR: o.base,
      DATA_DIR: path.join(dir, "sink"),
      SINK_GROUP: `bench-${o.schema}`,
      SINK_METRICS_PORT: "0",
      SINK_ROLL_ROWS: o.rollRows,
      PRESTO_SCHEMA: o.schema,
      ...(o.memory ? { SINK_WRITER_MEMORY: o.memory } : {}),
    },
  });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`sink ${args.join(" ")} exited ${code}; see ${proc.logFile}`);
}

async function measurePhase(trino: Trino, hdfs: WebHdfs, base: string, schema: string, reps: number): Promise<Phase> {
  const files: Record<string, number> = {};
  for (const t of TABLES) files[t] = (await tableFiles(hdfs, `${base}/${t}`)).files;
  const queries: QueryFigures[] = [];
  for (const q of referenceQueries("trino")) {
    const sql = q.sql.trim().replace(/;\s*$/, "");
    const runs: QueryFigures[] = [];
    // One warm-up run (metastore and file-listing caches), then the measured repetitions.
    for (let i = 0; i <= reps; i++) {
      const r = await trino.query(sql, schema);
      if (i > 0) runs.push({ name: q.name, elapsedMs: r.stats.elapsedTimeMillis, splits: r.stats.totalSplits, inputMiB: r.stats.processedBytes / 2 ** 20 });
    }
    queries.push({
      name: `${q.id} ${q.name}`,
      elapsedMs: median(runs.map((r) => r.elapsedMs)),
      splits: median(runs.map((r) => r.splits)),
      inputMiB: median(runs.map((r) => r.inputMiB)),
    });
  }
  return { files, queries };
}

/** The per-query table; `after` is null when compaction failed. */
export function summarise(before: Phase, after: Phase | null, events: number, rollRows: number): string {
  const none: QueryFigures = { name: "", elapsedMs: NaN, splits: NaN, inputMiB: NaN };
  const rows = before.queries.map((b, i) => {
    const a = after?.queries[i] ?? none;
    return [b.name, fmt(b.elapsedMs, 0), fmt(b.splits, 0), fmt(a.elapsedMs, 0), fmt(a.splits, 0), `${fmt(ratio(b.elapsedMs, a.elapsedMs), 1)}x`];
  });
  const total = (p: Phase | null) => (p ? p.queries.reduce((s, q) => s + q.elapsedMs, 0) : NaN);
  rows.push(["all 13", fmt(total(before), 0), "", fmt(total(after), 0), "", `${fmt(ratio(total(before), total(after)), 1)}x`]);
  return [
    markdownTable(["query", "before ms", "before splits", "after ms", "after splits", "speed-up"], rows),
    "",
    `files per table before: ${JSON.stringify(before.files)}; after: ${after ? JSON.stringify(after.files) : "compaction failed"}`,
    `data: ${events} events landed by our sink with files rolled every ${rollRows} rows; median of the repetitions after one warm-up`,
  ].join("\n");
}

function log(msg: string): void {
  process.stderr.write(`[reference-query] ${msg}\n`);
}
