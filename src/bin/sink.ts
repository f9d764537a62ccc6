/**
 * `npm run sink -- --mode stream|batch`: the streaming sink (log -> Parquet tables, exactly once).
 * Logs go to stderr; batch mode draws a progress bar on stderr and prints a JSON summary on stdout.
 */
// First: bounds the young generation before anything else allocates (sink-memory.ts says why).
import "./sink-memory";
import { parseArgs } from "node:util";
import { loadConfig, type Config } from "../config";
import { createLogger, type Logger } from "../logger";
// The factory, not the query index: it loads DuckDB or the Trino client only for the engine asked for.
import { createQueryEngine } from "../query/factory";
import { runSink, type SinkMode } from "../sink";
import { createStorage } from "../storage";
import { createTransport } from "../transport";
import { environmentHelp, runCli, UsageError } from "./cli";
import { runWorkers } from "./sink-workers";

const VARIABLES = ["DATA_DIR", "LOG_LEVEL", "TRANSPORT", "EVENTS_TOPIC", "KAFKA_BROKERS", "EMBEDDED_LOG_PATH", "STORAGE", "WAREHOUSE_DIR",
  "WEBHDFS_URL", "QUERY_ENGINE"];

const USAGE = [
  "usage: npm run sink -- [--mode stream|batch] [--no-register] [--workers N] [--metrics-port P]",
  "       npm run sink -- --compact [--table NAME] [--dt YYYY-MM-DD]",
  "",
  "Lands the events topic as Parquet tables (events, sword_purchases, purchases, guilds, dead_letters),",
  "partitioned by dt, exactly once: the position is recovered from the committed file names on start.",
  "",
  "  --mode stream   (default) run until SIGINT/SIGTERM; roll files every SINK_ROLL_INTERVAL_MS;",
  "                  metrics on SINK_METRICS_PORT (Prometheus text format) and in the log",
  "  --mode batch    land everything up to the end of the log as of start, then exit 0",
  "  --compact       merge each partition's small files into one (same exactly-once discipline)",
  "  --no-register   do not register the tables with the query engine",
  "  --workers N     stream mode on Kafka: N worker processes in SINK_GROUP sharing the topic's partitions;",
  "                  worker i serves its metrics on SINK_METRICS_PORT + i - 1",
  "  --metrics-port P  this worker's metrics port (overrides SINK_METRICS_PORT; 0 disables)",
  "",
  ...environmentHelp((v) => VARIABLES.includes(v) || v.startsWith("SINK_")),
].join("\n");

interface Args {
  mode: SinkMode;
  compact: boolean;
  table?: string;
  dt?: string;
  register: boolean;
  workers: number;
  metricsPort?: number;
  /** Set on the workers `--workers` starts: names the worker in its log lines. */
  worker?: string;
}

function count(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

function sinkArgs(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: "string", default: "stream" },
      compact: { type: "boolean", default: false },
      table: { type: "string" },
      dt: { type: "string" },
      "no-register": { type: "boolean", default: false },
      workers: { type: "string" },
      "metrics-port": { type: "string" },
      worker: { type: "string" },
    },
  });
  const mode = values.mode;
  if (mode !== "stream" && mode !== "batch") throw new UsageError(`--mode must be stream or batch, got "${mode}"`);
  const workers = count("--workers", values.workers, 1) ?? 1;
  if (workers > 1 && (mode !== "stream" || values.compact)) throw new UsageError("--workers runs streaming workers: use it with --mode stream");
  return {
    mode, compact: values.compact, table: values.table, dt: values.dt, register: !values["no-register"],
    workers, metricsPort: count("--metrics-port", values["metrics-port"], 0), worker: values.worker,
  };
}

async function main(argv: string[]): Promise<number> {
  const args = sinkArgs(argv);
  const loaded = loadConfig();
  const config: Config = args.metricsPort === undefined ? loaded : { ...loaded, sink: { ...loaded.sink, metricsPort: args.metricsPort } };
  const root = createLogger({ level: config.logLevel });
  if (args.workers > 1) {
    // The embedded log has one sink at a time (its lease): N local workers would all but one be refused.
    if (config.transport.kind !== "kafka") throw new UsageError("--workers N needs Kafka (TRANSPORT=kafka, or PIPELINE_STACK=real): on the embedded log one sink holds every partition");
    const workerArgs = ["--mode", "stream", ...(args.register ? [] : ["--no-register"])];
    return runWorkers({ count: args.workers, args: workerArgs, metricsPort: config.sink.metricsPort, logger: root.child("workers") });
  }
  const logger = args.worker ? root.child(`worker-${args.worker}`) : root;
  const transport = await createTransport(config.transport, logger);
  const storage = createStorage(config.storage);
  const engine = args.register ? await createQueryEngine(config.query, storage) : null;
  try {
    if (args.compact) {
      const { compact } = await import("../sink/compaction.js");
      const result = await compact({ config, transport, storage, logger: logger.child("compact"), table: args.table, dt: args.dt });
      process.stdout.write(JSON.stringify(result) + "\n");
      return 0;
    }
    return await sink(config, args.mode, transport, storage, engine, logger);
  } finally {
    await engine?.close();
    await transport.close();
  }
}

async function sink(config: Config, mode: SinkMode, transport: Awaited<ReturnType<typeof createTransport>>, storage: ReturnType<typeof createStorage>,
  engine: Awaited<ReturnType<typeof createQueryEngine>> | null, logger: Logger): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => {
    logger.info("stopping: committing what is staged");
    controller.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // A worker of `--workers N` is tied to its parent by an IPC channel: when the parent dies (even by
  // kill -9) the channel closes and the worker stops cleanly instead of running on, orphaned.
  if (process.channel) {
    process.channel.unref();
    process.once("disconnect", () => {
      logger.warn("the --workers parent is gone: stopping, committing what is staged");
      controller.abort();
    });
  }
  const bar = mode === "batch" && process.stderr.isTTY ? new (await import("cli-progress")).SingleBar({ format: "sink [{bar}] {percentage}% {value}/{total} records {eta_formatted}", stream: process.stderr }) : null;
  let lastLine = 0;
  const summary = await runSink({
    config, transport, storage, engine, logger: logger.child("sink"), mode, signal: controller.signal,
    onProgress: (done, total) => {
      if (bar) {
        if (!bar.isActive) bar.start(total, 0);
        bar.update(done);
      } else if (Date.now() - lastLine > 2000 || done === total) {
        lastLine = Date.now();
        logger.info("progress", { done, total, percent: total ? Math.round((100 * done) / total) : 100 });
      }
    },
  });
  bar?.stop();
  process.stdout.write(JSON.stringify(summary) + "\n");
  return 0;
}

runCli("sink", USAGE, main);
