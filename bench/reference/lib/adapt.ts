/**
 * Run-time adaptation of COPIES of the reference scripts (../shared/anchors is read-only and never
 * edited). Every change is an exact, counted substitution: if the reference text changes and an
 * anchor no longer matches the expected number of times, adaptation fails instead of silently
 * benchmarking something else. Each function returns the new text and a human-readable list of
 * the changes, which the benchmarks print and RESULTS.md records.
 */

export interface Adapted {
  text: string;
  changes: string[];
}

interface Edit {
  find: string | RegExp;
  replace: string;
  /** How many matches the reference must contain. */
  count: number;
  why: string;
}

function applyEdits(source: string, edits: readonly Edit[]): Adapted {
  let text = source;
  const changes: string[] = [];
  for (const edit of edits) {
    const pattern = typeof edit.find === "string" ? new RegExp(escapeRegExp(edit.find), "g") : edit.find;
    const found = text.match(pattern)?.length ?? 0;
    if (found !== edit.count) {
      throw new Error(`reference script changed: expected ${edit.count} match(es) of ${String(edit.find)}, found ${found}`);
    }
    text = text.replace(pattern, () => edit.replace);
    changes.push(`${edit.why} (${edit.count}x: ${JSON.stringify(String(edit.find))} -> ${JSON.stringify(edit.replace)})`);
  }
  return { text, changes };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface FlaskOptions {
  brokers: string;
  topic: string;
}

/** game_api.py: same code, pointed at our broker and the benchmark's topic. */
export function adaptFlaskApp(source: string, options: FlaskOptions): Adapted {
  return applyEdits(source, [
    { find: "bootstrap_servers='kafka:29092'", replace: `bootstrap_servers='${options.brokers}'`, count: 1, why: "broker address" },
    { find: "events_topic = 'events'", replace: `events_topic = '${options.topic}'`, count: 1, why: "topic (unused variable, kept consistent)" },
    { find: "log_to_kafka('events', ", replace: `log_to_kafka('${options.topic}', `, count: 5, why: "topic each route logs to" },
  ]);
}

export interface SparkOptions {
  brokers: string;
  topic: string;
  /** Replaces the reference's `/tmp/...` table and checkpoint folders, e.g. hdfs://127.0.0.1:9000/bench/spark/run1. */
  outputBase: string;
  /** `availableNow` lands what is in the topic and exits; `reference` keeps its 10 s processingTime trigger. */
  trigger: "availableNow" | "reference";
  /** The reference reads from `latest` (its default); the throughput run must read the pre-filled topic. */
  startingOffsets: "earliest" | "reference";
  /** Register the tables in this Hive database through the metastore, or drop the Hive DDL (null). */
  hiveDatabase: string | null;
}

/** stream_and_hive.py: addresses, paths, trigger, start offsets, Hive database; the job itself unchanged. */
export function adaptSparkJob(source: string, options: SparkOptions): Adapted {
  const edits: Edit[] = [
    { find: '"kafka:29092"', replace: JSON.stringify(options.brokers), count: 1, why: "broker address" },
    // PySpark 3+ parses a DDL type string when the decorator runs, which needs a live session;
    // the reference ran on Spark 2, where this was lazy. Same type, given as an object.
    {
      find: "from pyspark.sql.types import StructType, StructField, StringType, LongType\n",
      replace: "from pyspark.sql.types import StructType, StructField, StringType, LongType, BooleanType\n",
      count: 1,
      why: "import BooleanType (see next)",
    },
    { find: "@udf('boolean')", replace: "@udf(BooleanType())", count: 3, why: "UDF return type as an object: PySpark 3+ cannot parse 'boolean' before a session exists" },
    {
      find: '.option("subscribe", "events")',
      replace: `.option("subscribe", ${JSON.stringify(options.topic)})` +
        (options.startingOffsets === "earliest" ? ' \\\n        .option("startingOffsets", "earliest")' : ""),
      count: 1,
      why: options.startingOffsets === "earliest"
        ? "benchmark topic, read from the earliest offset (the reference's default is latest)"
        : "benchmark topic",
    },
    { find: /(?<=["'])\/tmp\//g, replace: `${options.outputBase}/`, count: 9, why: "table and checkpoint folders on our HDFS" },
    // A marker so the harness can separate JVM/session start-up from processing time.
    {
      find: ".getOrCreate()\n",
      replace: ".getOrCreate()\n" + hivePrelude(options.hiveDatabase, options.outputBase) +
        '    print("BENCH_SESSION_READY", __import__("time").time(), flush=True)\n',
      count: 1,
      why: options.hiveDatabase === null
        ? "print a start-up marker"
        : `create and use Hive database ${options.hiveDatabase} (keeps the reference's drop/create away from our tables), print a start-up marker`,
    },
  ];
  if (options.trigger === "availableNow") {
    edits.push(
      { find: '.trigger(processingTime="10 seconds")', replace: ".trigger(availableNow=True)", count: 3, why: "run-to-completion trigger" },
      // awaitAnyTermination returns when the FIRST query finishes; the others would be cut short.
      {
        find: "spark.streams.awaitAnyTermination()",
        replace: "[q.awaitTermination() for q in spark.streams.active]",
        count: 1,
        why: "wait for all three queries, not the first",
      },
    );
  }
  if (options.hiveDatabase === null) {
    edits.push(
      { find: ".enableHiveSupport()", replace: "", count: 1, why: "no Hive support" },
      { find: "spark.sql(", replace: "(lambda *_: None)(", count: 6, why: "Hive DDL dropped" },
    );
  }
  return applyEdits(source, edits);
}

function hivePrelude(database: string | null, outputBase: string): string {
  if (database === null) return "";
  return `    spark.sql("create database if not exists ${database} location '${outputBase}/${database}.db'")\n` +
    `    spark.sql("use ${database}")\n`;
}
