/**
 * Launching the reference Spark job (an adapted copy of stream_and_hive.py) with spark-submit from
 * the benchmark virtualenv: local[2], the matching spark-sql-kafka package from the ivy cache
 * prepared by scripts/bench/setup-reference.sh, HDFS and the Hive Metastore of our stack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { adaptSparkJob, type Adapted, type SparkOptions } from "./lib/adapt";
import { start, type Started } from "./lib/proc";
import { requirePython, type BenchSettings } from "./lib/settings";

export interface SparkLaunch {
  adapted: Adapted;
  proc: Started;
  /** Exactly how the job was started, for RESULTS.md. */
  command: string;
}

export function launchSparkJob(
  settings: BenchSettings,
  dir: string,
  name: string,
  options: Omit<SparkOptions, "brokers">,
): SparkLaunch {
  const python = requirePython(settings);
  const source = fs.readFileSync(path.join(settings.referenceDir, "stream_and_hive.py"), "utf8");
  const adapted = adaptSparkJob(source, { ...options, brokers: settings.brokers.join(",") });
  const script = path.join(dir, `${name}.py`);
  fs.writeFileSync(script, adapted.text);
  const args = [
    "--master", "local[2]",
    "--packages", python.sparkKafkaPackage,
    "--conf", `spark.jars.ivy=${python.ivy}`,
    "--conf", `spark.jars.ivySettings=${path.join(path.dirname(python.ivy), "ivysettings.xml")}`,
    // The reference's container had HDFS as its default file system and the metastore in hive-site.xml.
    "--conf", `spark.hadoop.fs.defaultFS=${settings.hdfsUri}`,
    // Spark writes through its own HDFS client: give it the block-completion retry delay the stack's
    // DataNode uses for our WebHDFS writes (10 ms instead of 400 ms per file), so neither side pays it.
    "--conf", "spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms=10",
    "--conf", `spark.hadoop.hive.metastore.uris=${settings.metastoreUri}`,
    "--conf", `spark.sql.warehouse.dir=${settings.hdfsUri}/bench/spark/warehouse`,
    "--conf", "spark.ui.showConsoleProgress=false",
    "--driver-java-options", `-Dlog4j2.configurationFile=file:${path.join(settings.repoRoot, "scripts", "bench", "spark-log4j2.properties")}`,
    script,
  ];
  const submit = path.join(python.venv, "bin", "spark-submit");
  const proc = start(name, submit, args, {
    logFile: path.join(dir, `${name}.log`),
    cwd: dir,
    env: {
      ...settings.baseEnv,
      JAVA_HOME: python.javaHome,
      PYSPARK_PYTHON: path.join(python.venv, "bin", "python"),
      SPARK_LOCAL_IP: "127.0.0.1",
      HADOOP_USER_NAME: settings.hdfsUser,
    },
  });
  return { adapted, proc, command: `${submit} ${args.join(" ")}` };
}

/** Epoch seconds at which the job printed its start-up marker (session ready), if it did. */
export function sessionReadyAt(logFile: string): number | null {
  // Only the head: the marker comes early, and a Spark log can exceed what a JS string holds.
  const fd = fs.openSync(logFile, "r");
  const head = Buffer.alloc(4 * 2 ** 20);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const m = /BENCH_SESSION_READY (\d+(?:\.\d+)?)/.exec(head.subarray(0, n).toString("utf8"));
  return m ? Number(m[1]) : null;
}
