/**
 * The pipeline notebook (notebooks/01-pipeline.ipynb): one method per cell, stepping through
 * the pipeline as the reference write-up does: the stack, the topic, the API, the load, the
 * sink (streaming, then batch), and what landed. It ends by recording the run (stack, loads,
 * ground truth) for the analysis notebook, which runs in another kernel.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { startApi, type ApiServer } from "../api";
import type { Config } from "../config";
import { TABLES } from "../events";
import { abMix, loadCatalog, runLoad, type LoadResult } from "../load";
import type { Logger } from "../logger";
import { createQueryEngine, type QueryEngine } from "../query";
import { runSink, type SinkSummary } from "../sink";
import { createStorage, type Storage } from "../storage";
import { createTransport, type LogRecord, type Transport } from "../transport";
import { tableCounts } from "./analysis";
import type { Display } from "./display";
import { ReportError } from "./errors";
import { markdownTable } from "./markdown";
import { writeRunRecord, type LoadRecord } from "./run-record";
import { mergeTruth, truthFacts, type TruthFacts } from "./truth";

const mdRows = (names: string[], rows: Record<string, unknown>[]) =>
  markdownTable({ columns: names.map((name) => ({ name, type: rows.some((r) => typeof r[name] === "number") ? "bigint" : "varchar" })), rows }, { maxRows: 50, maxCellChars: 200 });

export class PipelineNotebook {
  private api: ApiServer | null = null;
  private streaming: { stop: AbortController; done: Promise<SinkSummary> } | null = null;
  private readonly loads: LoadRecord[] = [];
  private truth: TruthFacts | null = null;
  private readonly startedAt = new Date().toISOString();
  /** Tags this run's player identities (X-Player-Id), so players start with no guild memberships. */
  readonly playerTag = `r${Date.now().toString(36)}`;

  private constructor(
    private readonly display: Display,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly transport: Transport,
    private readonly storage: Storage,
    private readonly engine: QueryEngine,
    private readonly root: string,
  ) {}

  static async open(display: Display, config: Config, logger: Logger, root: string): Promise<PipelineNotebook> {
    const storage = createStorage(config.storage);
    const engine = await createQueryEngine(config.query, storage);
    const transport = await createTransport(config.transport, logger);
    return new PipelineNotebook(display, config, logger, transport, storage, engine, root);
  }

  /** A path relative to the checkout when it is inside it. */
  private shown(file: string): string {
    return file.startsWith(this.root + path.sep) ? path.relative(this.root, file) : file;
  }

  /** Which stack this run uses, and where each part of it lives. */
  describeStack(): void {
    const c = this.config;
    const log = c.transport.kind === "kafka" ? `Kafka at ${c.transport.kafka.brokers.join(", ")}` : `embedded log (SQLite) at \`${this.shown(c.transport.embeddedPath)}\``;
    const storage = c.storage.kind === "hdfs" ? `HDFS \`${c.storage.hdfsUri}${c.storage.warehouse}\` through WebHDFS ${c.storage.webhdfsUrl}` : `local disk \`${this.shown(c.storage.warehouse)}\``;
    const sql = c.query.kind === "duckdb" ? "DuckDB (in process), views over the Parquet files" : `${c.query.kind} at ${c.query.prestoUrl}, catalog \`${c.query.catalog}\`, schema \`${c.query.schema}\``;
    this.display.markdown(mdRows(["part", "this run"], [
      { part: "stack (PIPELINE_STACK)", "this run": `**${c.stack}**` },
      { part: "event log", "this run": `${log}, topic \`${c.transport.topic}\`` },
      { part: "table storage", "this run": storage },
      { part: "SQL engine", "this run": sql },
    ]));
  }

  /** Real stack: `npm run stack -- up` (idempotent) and its status. Embedded: nothing to start. */
  async bringUpStack(): Promise<void> {
    if (this.config.stack === "embedded") {
      this.display.markdown("The embedded default needs no servers: the log is a SQLite file, the tables are Parquet files on local disk and DuckDB runs inside this kernel.");
      return;
    }
    const script = path.join(this.root, "scripts", "stack", "stack.sh");
    await run("bash", [script, "up"], this.root);
    const status = await run("bash", [script, "status"], this.root);
    this.display.markdown("```\n" + status.trim() + "\n```");
  }

  /** Creates the events topic (idempotent) and shows its partitions and end offsets. */
  async createTopic(): Promise<void> {
    const { topic, partitions, replicationFactor } = this.config.transport;
    await this.transport.ensureTopic(topic, { partitions, replicationFactor });
    const ends = await this.transport.endOffsets(topic);
    const earlier = [...ends.values()].reduce((s, n) => s + n, 0);
    const warning = earlier === 0 ? "" : `\n\n**Note:** the topic already holds ${earlier} events from earlier runs; they will land too, and the ground-truth check of the analysis (which knows only this run's requests) will fail. Start from an empty DATA_DIR (and, on the real stack, a new EVENTS_TOPIC) as \`npm run report\` does.`;
    this.display.markdown(`Topic \`${topic}\` on the ${this.transport.kind} log: ${ends.size} partition(s), end offsets ${JSON.stringify(Object.fromEntries(ends))}.${warning}`);
  }

  async startApi(): Promise<void> {
    this.api = await startApi(this.config, this.logger);
    const base = this.api.url;
    this.display.markdown([
      `The game API listens on ${base}. Endpoints (as in the reference):`,
      "",
      ...["/", "/purchase_a_sword/:name", "/purchase_a_shield/:name", "/join_guild/:name", "/leave_guild/:name"].map((p) => `- \`GET ${p}\``),
    ].join("\n"));
  }

  /** The reference's Apache Bench request mix (ab.sh), which runAbMix() replays. */
  showAbMix(): void {
    const rows = abMix().map((c) => ({ "ab -n": c.count, "Host header": c.host, path: c.path }));
    this.display.markdown(`The reference's \`ab.sh\` (${rows.reduce((s, r) => s + r["ab -n"], 0)} requests per pass; \`ab2.sh\` repeats it without \`GET /\` every 10 s):\n\n${mdRows(["ab -n", "Host header", "path"], rows)}`);
  }

  /** Starts the streaming sink in the background (it rolls files every SINK_ROLL_INTERVAL_MS). */
  async startStreamingSink(): Promise<void> {
    const stop = new AbortController();
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const config = { ...this.config, sink: { ...this.config.sink, metricsPort: 0 } };
    const done = runSink({ config, transport: this.transport, storage: this.storage, engine: this.engine, logger: this.logger, mode: "stream", signal: stop.signal, onReady: () => ready() });
    this.streaming = { stop, done };
    await Promise.race([started, done.then(() => undefined)]);
    this.display.markdown(`Streaming sink running: rolls a Parquet file per table every ${this.config.sink.rollIntervalMs} ms (or ${this.config.sink.rollMaxRows} rows), named after the log offsets it holds.`);
  }

  /** The player simulation (REPORT_REQUESTS requests from REPORT_PLAYERS heavy-tailed players) while the sink streams. */
  async runPlayers(): Promise<void> {
    const { requests, players, seed } = this.config.report;
    const result = await this.load({ scenario: "players", requests, players, seed });
    this.showLoad(result);
  }

  /** Stops the streaming sink: it commits what it holds and reports what it landed. */
  async stopStreamingSink(): Promise<void> {
    if (!this.streaming) throw new ReportError("the streaming sink is not running (run startStreamingSink first)");
    this.streaming.stop.abort();
    const summary = await this.streaming.done;
    this.streaming = null;
    this.showSink(summary);
  }

  /** The reference's ab mix (REPORT_AB_PASSES passes) sent while no sink runs: the batch run lands it. */
  async runAbMix(): Promise<void> {
    const passes = this.config.report.abPasses;
    if (passes === 0) {
      this.display.markdown("REPORT_AB_PASSES=0: no ab mix sent.");
      return;
    }
    const requests = passes * abMix().reduce((s, c) => s + c.count, 0);
    this.showLoad(await this.load({ scenario: "reference", requests, players: 4, seed: this.config.report.seed, connections: 1 }));
  }

  /** The last events in the log, as a console consumer (kcat) would print them. */
  async peekEvents(count = 5): Promise<void> {
    const records = await this.tail(count);
    this.display.markdown("```json\n" + records.map((r) => r.value.toString("utf8")).join("\n") + "\n```");
  }

  /** Batch mode: lands everything up to the current end of the log, then exits. */
  async runBatchSink(): Promise<void> {
    const config = { ...this.config, sink: { ...this.config.sink, metricsPort: 0 } };
    this.showSink(await runSink({ config, transport: this.transport, storage: this.storage, engine: this.engine, logger: this.logger, mode: "batch" }));
  }

  /** Rows per table, counted by the SQL engine. */
  async showTables(): Promise<void> {
    this.display.markdown(markdownTable(await tableCounts(this.engine)));
  }

  /** The files of each table: partitions, file count, bytes, and an example file name. */
  async showFiles(): Promise<void> {
    const rows: Record<string, unknown>[] = [];
    for (const table of TABLES) {
      const dir = path.posix.join(this.storage.root, table.name);
      for (const part of (await this.storage.list(dir)).filter((e) => e.isDirectory && e.name.startsWith("dt="))) {
        const files = (await this.storage.list(part.path)).filter((f) => !f.isDirectory && f.name.endsWith(".parquet"));
        if (files.length === 0) continue; // a day registered ahead of its first event
        rows.push({ table: table.name, partition: part.name, files: files.length, bytes: files.reduce((s, f) => s + f.size, 0), "first file": files.map((f) => f.name).sort()[0] ?? "" });
      }
    }
    this.display.markdown(`Under \`${this.storage.uri(this.storage.root)}\`:\n\n${mdRows(["table", "partition", "files", "bytes", "first file"], rows)}`);
  }

  /** Writes what the analysis notebook needs: stack, loads, combined ground truth. */
  recordRun(): void {
    if (!this.truth) throw new ReportError("no load was run, nothing to record");
    const c = this.config;
    const file = writeRunRecord(c.dataDir, {
      stack: c.stack,
      transport: c.transport.kind,
      storage: c.storage.kind,
      query: c.query.kind,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      loads: this.loads,
      truth: this.truth,
    });
    this.display.markdown(`Run recorded in \`${this.shown(file)}\` for the analysis notebook.`);
  }

  /** Stops the sink and the API, closes the log and the SQL engine. */
  async shutdown(): Promise<void> {
    this.streaming?.stop.abort();
    await this.streaming?.done.catch(() => undefined);
    await this.api?.close();
    await this.transport.close();
    await this.engine.close();
    this.display.markdown("API stopped, log and SQL engine closed.");
  }

  private async load(options: { scenario: "players" | "reference"; requests: number; players: number; seed: number; connections?: number }): Promise<LoadResult> {
    if (!this.api) throw new ReportError("the API is not running (run startApi first)");
    const result = await runLoad({
      url: this.api.url,
      catalog: loadCatalog(this.config.api.catalogFile, this.config.api.maxNameLength),
      ...options,
      playerTag: this.playerTag,
      maxNameLength: this.config.api.maxNameLength,
      apiKey: this.config.load.apiKey,
      logger: this.logger,
    });
    if (!result.truth.run.exact) {
      throw new ReportError(`the ${options.scenario} load was not answered as expected (${result.summary.mismatches} mismatches, ${result.summary.requests.unanswered} unanswered): its ground truth is not exact`);
    }
    const facts = truthFacts(result.truth);
    this.truth = this.truth ? mergeTruth(this.truth, facts) : facts;
    this.loads.push({ scenario: options.scenario, requests: result.summary.requests.answered, seed: options.seed, players: options.players, requestsPerSec: result.summary.requestsPerSec, exact: result.truth.run.exact });
    return result;
  }

  private showLoad({ summary }: LoadResult): void {
    const l = summary.latencyMs;
    this.display.markdown([
      `\`${summary.scenario}\` scenario: ${summary.requests.answered} requests answered in ${summary.elapsedSec} s (${summary.requestsPerSec} requests/s, ${summary.connections} connections), latency p50 ${l.p50} ms, p99 ${l.p99} ms.`,
      "",
      mdRows(["status", "requests"], Object.entries(summary.statusCodes).map(([status, n]) => ({ status, requests: n }))),
    ].join("\n"));
  }

  private showSink(s: SinkSummary): void {
    this.display.markdown(`Sink (${s.mode}): ${s.records} events read, ${s.deadLetters} dead letters, ${s.filesWritten} files (${s.bytesWritten} bytes) committed in ${s.seconds.toFixed(1)} s; next offsets ${JSON.stringify(s.positions)}.`);
  }

  /** The last `count` records of partition 0 (the notebook's topic has one partition by default). */
  private async tail(count: number): Promise<LogRecord[]> {
    const topic = this.config.transport.topic;
    const ends = await this.transport.endOffsets(topic);
    const end = ends.get(0) ?? 0;
    if (end === 0) return [];
    const from = new Map([[0, Math.max(0, end - count)]]);
    const got: LogRecord[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const sub = await this.transport.consume({
      topic,
      groupId: `${this.config.sink.groupId}-notebook-peek`,
      from,
      onBatch: async (records) => {
        got.push(...records.filter((r) => r.partition === 0 && r.offset < end));
        if (got.length >= end - (from.get(0) ?? 0)) done();
      },
      onError: () => done(),
    });
    await finished;
    await sub.stop();
    return got.slice(-count);
  }
}

/** Runs a command, resolving with its stdout; rejects with its stderr on a non-zero exit. */
function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new ReportError(`${command} ${args.join(" ")} exited ${code}: ${err.trim().slice(-2000)}`))));
  });
}
