import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { adaptFlaskApp, adaptSparkJob, type SparkOptions } from "../../bench/reference/lib/adapt";

// The reference scripts live beside the repository (read-only); CI lays a copy of shared/ there too.
const anchors = path.resolve(__dirname, "..", "..", "..", "..", "shared", "anchors");
const read = (name: string) => fs.readFileSync(path.join(anchors, name), "utf8");
const haveAnchors = fs.existsSync(path.join(anchors, "stream_and_hive.py"));

const throughput: SparkOptions = {
  brokers: "127.0.0.1:9092",
  topic: "bench-1m",
  outputBase: "hdfs://127.0.0.1:9000/bench/spark/r1",
  trigger: "availableNow",
  startingOffsets: "earliest",
  hiveDatabase: "spark_ref",
};

/** Python's own parser, when a python3 is on PATH (it is on the project's machines). */
function pythonSyntaxError(source: string): string | null | undefined {
  const res = spawnSync("python3", ["-c", "import ast,sys; ast.parse(sys.stdin.read())"], { input: source, encoding: "utf8" });
  if (res.error) return undefined;
  return res.status === 0 ? null : res.stderr;
}

describe("adapting the reference Spark job", { skip: haveAnchors ? false : `no reference scripts at ${anchors}` }, () => {
  it("points the job at our broker, topic and HDFS folders and nothing at the reference's", () => {
    const { text } = adaptSparkJob(read("stream_and_hive.py"), throughput);
    assert.ok(!text.includes("kafka:29092"));
    assert.ok(!/["']\/tmp\//.test(text));
    assert.ok(text.includes('.option("subscribe", "bench-1m")'));
    assert.equal(text.split("hdfs://127.0.0.1:9000/bench/spark/r1/").length - 1, 9 + 1);
  });

  it("runs to completion and waits for all three queries in the throughput variant", () => {
    const { text } = adaptSparkJob(read("stream_and_hive.py"), throughput);
    assert.equal(text.split(".trigger(availableNow=True)").length - 1, 3);
    assert.ok(!text.includes("processingTime"));
    assert.ok(!text.includes("awaitAnyTermination"));
    assert.ok(text.includes('.option("startingOffsets", "earliest")'));
  });

  it("keeps the reference's 10 second trigger and latest offsets in the freshness variant", () => {
    const { text } = adaptSparkJob(read("stream_and_hive.py"), { ...throughput, trigger: "reference", startingOffsets: "reference" });
    assert.equal(text.split('.trigger(processingTime="10 seconds")').length - 1, 3);
    assert.ok(text.includes("awaitAnyTermination"));
    assert.ok(!text.includes("startingOffsets"));
  });

  it("moves the Hive DDL into its own database so it cannot drop our tables", () => {
    const { text } = adaptSparkJob(read("stream_and_hive.py"), throughput);
    const use = text.indexOf('spark.sql("use spark_ref")');
    assert.ok(use > 0 && use < text.indexOf('spark.sql("drop table if exists sword_purchases")'));
  });

  it("can drop Hive entirely", () => {
    const { text, changes } = adaptSparkJob(read("stream_and_hive.py"), { ...throughput, hiveDatabase: null });
    assert.ok(!text.includes("enableHiveSupport"));
    assert.ok(!text.includes("spark.sql("));
    assert.ok(changes.some((c) => c.includes("Hive DDL dropped")));
  });

  it("produces valid Python in every variant", (t) => {
    for (const hiveDatabase of ["spark_ref", null]) {
      for (const trigger of ["availableNow", "reference"] as const) {
        const error = pythonSyntaxError(adaptSparkJob(read("stream_and_hive.py"), { ...throughput, trigger, hiveDatabase }).text);
        if (error === undefined) return t.skip("python3 not on PATH");
        assert.equal(error, null);
      }
    }
  });

  it("refuses a reference whose anchors moved instead of benchmarking something else", () => {
    assert.throws(() => adaptSparkJob(read("stream_and_hive.py").replace("kafka:29092", "broker:9092"), throughput), /reference script changed/);
  });
});

describe("adapting the reference Flask app", { skip: haveAnchors ? false : `no reference scripts at ${anchors}` }, () => {
  it("logs every route to the benchmark topic on our broker", () => {
    const { text, changes } = adaptFlaskApp(read("game_api.py"), { brokers: "127.0.0.1:9092", topic: "bench-api" });
    assert.ok(text.includes("bootstrap_servers='127.0.0.1:9092'"));
    assert.equal(text.split("log_to_kafka('bench-api', ").length - 1, 5);
    assert.ok(!text.includes("'events'"));
    assert.equal(changes.length, 3);
    const error = pythonSyntaxError(text);
    if (error !== undefined) assert.equal(error, null);
  });
});
