/**
 * The sink: log -> Parquet tables, exactly once, in streaming or batch mode.
 * Used by `npm run sink` (src/bin/sink.ts), by `npm start` and by the notebooks.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { Config } from "../config";
import { TABLES, type TableDef } from "../events";
import { ConfigError, FencedError } from "../errors";
import type { Logger } from "../logger";
import type { QueryEngine } from "../query/engine";
import type { Storage } from "../storage";
import { partitionKey } from "../storage/layout";
import type { Offsets, Ownership, OwnershipCheck, Subscription, Transport } from "../transport";
import type { CommitContext } from "./commit";
import { createFaults, type Faults } from "./faults";
import { GroupOffsets } from "./group-offsets";
import { SinkMetrics } from "./metrics";
import { startMetricsServer, type MetricsServer } from "./metrics-server";
import { DuckdbParquetWriter } from "./parquet/duckdb-writer";
import { TOPIC_PATTERN } from "./naming";
import { recover } from "./recover";
import { Registration } from "./registration";
import { nextCheckIn } from "./roll-policy";
import { SinkLoop } from "./sink-loop";

export type SinkMode = "stream" | "batch";

export interface RunSinkOptions {
  config: Config;
  transport: Transport;
  storage: Storage;
  /** Registers the tables for SQL; null or absent skips registration. */
  engine?: QueryEngine | null;
  logger: Logger;
  mode: SinkMode;
  /** Streaming mode runs until this aborts, then flushes and commits. Batch mode stops early on it. */
  signal?: AbortSignal;
  /** Batch mode: called as records are read (done and total records of this run). */
  onProgress?: (done: number, total: number) => void;
  /** Streaming mode: called every `logEveryMs` with the metrics summary (defaults to an info log line). */
  logEveryMs?: number;
  /** Called once the sink is consuming (recovery done, tables registered). */
  onReady?: (info: { metricsPort: number | null; positions: ReadonlyMap<number, number> }) => void;
  faults?: Faults;
  tables?: readonly TableDef[];
  /** Overrides SINK_METRICS_PORT in streaming mode; 0 here means any free port (tests), null disables. */
  metricsPort?: number | null;
  /** The wall clock that decides which day's partitions to register ahead (default Date.now; tests fix it). */
  now?: () => number;
}

export interface SinkSummary {
  mode: SinkMode;
  records: number;
  deadLetters: number;
  filesWritten: number;
  bytesWritten: number;
  batches: number;
  seconds: number;
  /** Next offset per partition after the run. */
  positions: Record<number, number>;
  repairedOnStart: number;
}

export async function runSink(options: RunSinkOptions): Promise<SinkSummary> {
  const { config, transport, storage, logger, mode } = options;
  const topic = config.transport.topic;
  const tables = options.tables ?? TABLES;
  const faults = options.faults ?? createFaults(config.sink.fault);
  const started = Date.now();
  if (!TOPIC_PATTERN.test(topic)) {
    throw new ConfigError(`EVENTS_TOPIC "${topic}" cannot name table files (letters, digits, '.', '_', '-'; not starting with '.' or '_')`, "EVENTS_TOPIC");
  }

  // Set by fail() (a callback): `as` keeps the compiler from narrowing it to null for good.
  let failure = null as Error | null;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const fail = (error: Error) => {
    failure ??= error;
    stop();
  };
  const timeline = logger.child("timeline");

  // 1. At once: the topic; a clean local build folder of this worker's own (others may share
  //    DATA_DIR); in streaming mode the Parquet writer (batch mode opens it once recovery has found
  //    records to read: an empty increment never loads DuckDB, ~0.15 CPU-s); and, in the
  //    background, the tables' registration with the query engine, which nothing below waits for
  //    (registration.ts says why).
  const known = new Set<string>();
  const registration = options.engine
    ? new Registration({ engine: options.engine, storage, tables, logger: logger.child("registration"), known, dayAhead: mode === "stream", now: options.now, onFailed: fail })
    : null;
  const topicReady = transport
    .ensureTopic(topic, { partitions: config.transport.partitions, replicationFactor: config.transport.replicationFactor })
    .then(() => timeline.debug("topic ready"));
  const writerOptions = { compression: config.sink.compression, memoryLimit: config.sink.writerMemory };
  const tmpDirReady = workerTmpDir(config.sink.tmpDir);
  let writer: DuckdbParquetWriter | null = null;
  let writerOpening: Promise<DuckdbParquetWriter> | null = null;
  const openWriter = () =>
    (writerOpening ??= tmpDirReady.then((dir) => DuckdbParquetWriter.open(tables, { ...writerOptions, tmpDir: dir })).then((w) => {
      timeline.debug("writer open");
      return (writer = w);
    }));
  const closeWriter = async () => {
    await writerOpening?.then((w) => w.close(), () => undefined);
  };
  const [tmpDir] = await Promise.all([tmpDirReady, topicReady, mode === "stream" ? openWriter() : null]).catch(async (error: unknown) => {
    await tmpDirReady.catch(() => undefined);
    await topicReady.catch(() => undefined);
    await closeWriter();
    await registration?.settled();
    throw error;
  });
  // Late-bound: the check is the subscription's, which exists once the first partitions are assigned.
  let owner: OwnershipCheck | null = null;
  const commit: Omit<CommitContext, "writer"> = {
    storage,
    tmpDir,
    faults,
    logger: logger.child("commit"),
    member: `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    confirmOwnership: (partitions) => (owner ? owner.confirmOwnership(partitions) : Promise.reject(new FencedError("no partitions assigned", partitions))),
  };
  let metricsServer: MetricsServer | null = null;
  let subscription: Subscription | null = null;
  let running: SinkLoop | null = null;
  try {
    // 2. The loop; partitions are added to it as they are assigned and recovered.
    const metrics = new SinkMetrics();
    const groupOffsets = new GroupOffsets(transport, config.sink.groupId, topic, logger.child("offsets"));
    const loop = new SinkLoop({
      commit,
      writer: () => writer,
      topic,
      groupOffsets,
      // Batch mode rolls on rows and bytes only: the interval exists for freshness, and would cut small files.
      policy: { maxRows: config.sink.rollMaxRows, maxBytes: config.sink.rollMaxBytes, intervalMs: mode === "batch" ? Infinity : config.sink.rollIntervalMs },
      maxMessageBytes: config.sink.maxMessageBytes,
      metrics,
      logger: logger.child("loop"),
      faults,
      positions: new Map(),
      onCommitted: (result) => registration?.committed(result.files),
      onFailed: fail,
    });
    running = loop;
    const refreshLag = async () => updateLag(metrics, await transport.endOffsets(topic), loop.positions, loop.partitions);
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener("abort", () => stop(), { once: true });

    // 5. Join: each partition this worker is given is recovered from its committed files before it
    // is read (recover.ts); a partition handed over commits what is staged first. Batch mode reads
    // up to the end offsets seen now, in a bounded subscription (`until`: no consumer group to join
    // on Kafka, no fetch that waits, nothing fetched at all for an empty increment); streaming mode
    // runs until stopped.
    const [targets, starts, reported] =
      mode === "batch"
        ? await Promise.all([transport.endOffsets(topic), transport.startOffsets(topic), transport.committedOffsets(config.sink.groupId, topic).catch(() => new Map<number, number>())])
        : [null, new Map<number, number>(), null];
    // The group's offsets (lag monitoring) say whether this increment is likely empty: if the log
    // goes past them, the writer is opened now, while recovery runs, instead of after it. Only a
    // hint: recovery still decides what is read, and a wrong hint costs a wait or DuckDB's loading.
    if (targets && reported && [...targets].some(([p, end]) => (reported.get(p) ?? starts.get(p) ?? 0) < end)) openWriter().catch(() => undefined);
    let total = 0;
    let done = 0;
    let repairedOnStart = 0;
    /** Final positions of partitions handed over (on stop, all of them): for the summary. */
    const handedOver = new Map<number, number>();
    const recovery = { ...commit, transport, tables, topic, maxMessageBytes: config.sink.maxMessageBytes, writerOptions, logger: logger.child("recovery") };
    const ownership: Ownership = {
      assigned: async (partitions, check) => {
        owner = check;
        await loop.settle();
        const recovered = await recover(recovery, partitions);
        repairedOnStart += recovered.repaired.length;
        // The engine knows the partitions of the files listed (its start-up sync runs after they
        // existed, or their writer synced them); the files recovery completed may be in new ones.
        const repaired = new Set(recovered.repaired);
        for (const f of recovered.files) if (!repaired.has(f)) known.add(partitionKey(f.table, f.dt));
        if (repaired.size > 0) registration?.committed(recovered.repaired);
        const toRead = targets ? remaining(targets, recovered.next, partitions, starts) : Infinity;
        if (toRead > 0) await openWriter();
        loop.assign(partitions, recovered.next, check);
        onOwnershipChange("assigned", partitions, recovered.next);
        if (targets) total += toRead;
        return recovered.next;
      },
      revoked: async (partitions) => {
        for (const [p, n] of await loop.release(partitions)) handedOver.set(p, n);
        // The position reaches the group while this member is still in it: a group with live
        // members takes commits only from one of them.
        await groupOffsets.settled();
        onOwnershipChange("handed over", partitions);
      },
      lost: (partitions, reason) => {
        loop.forget(partitions);
        onOwnershipChange("lost", partitions, undefined, reason);
      },
    };
    const onOwnershipChange = (what: string, partitions: readonly number[], next?: ReadonlyMap<number, number>, reason?: Error) => {
      metrics.rebalances++;
      metrics.assigned = loop.partitions;
      const fields = { topic, partitions: [...partitions], owned: loop.partitions, ...(next ? { from: Object.fromEntries(next) } : {}), ...(reason ? { reason: reason.message } : {}) };
      if (reason) logger.warn(`partitions ${what}`, fields);
      else logger.info(`partitions ${what}`, fields);
    };
    subscription = await transport.consume({
      topic,
      groupId: config.sink.groupId,
      from: new Map(),
      ownership,
      sessionTimeoutMs: config.sink.sessionTimeoutMs,
      // The embedded log reads a batch as one SQLite row, so 5,000 costs no more per record than
      // 20,000 did, and holds a quarter of the memory; Kafka's fetches are sized in bytes anyway.
      maxBatch: 5_000,
      until: targets ?? undefined,
      onEnd: () => {
        timeline.debug("end offsets reached");
        stop();
      },
      onBatch: async (records) => {
        if (metrics.records === 0) timeline.debug("first records", { partition: records[0]?.partition, count: records.length });
        await loop.add(records);
        if (targets) {
          done += records.length;
          options.onProgress?.(done, total);
        }
      },
      onError: fail,
    });
    timeline.debug("consuming");
    const port = options.metricsPort !== undefined ? options.metricsPort : config.sink.metricsPort > 0 ? config.sink.metricsPort : null;
    if (mode === "stream" && port !== null) {
      metricsServer = await startMetricsServer(port, metrics, refreshLag);
      logger.info("metrics on /metrics", { port: metricsServer.port });
    }
    // Ready for callers once registered too (the notebooks and tests query right after); reading did not wait for it.
    const onReady = options.onReady;
    if (onReady) void (registration?.registered() ?? Promise.resolve()).then(() => onReady({ metricsPort: metricsServer?.port ?? null, positions: loop.positions }));
    const timers = mode === "stream" ? startTimers(loop, metrics, refreshLag, logger, config.sink.rollIntervalMs, options.logEveryMs ?? 10_000) : { stop() {} };
    await stopped;
    timers.stop();

    // 6. Clean shutdown: stop reading and hand the partitions over (which commits what is staged).
    await subscription.stop();
    subscription = null;
    if (!failure) await loop.flush().catch(fail);
    timeline.debug("flushed");
    // Lag monitoring: the last position, then everything registered, before the run counts as done.
    if (!failure) await groupOffsets.settled();
    await registration?.settled();
    if (failure) throw failure;
    const summary: SinkSummary = {
      mode,
      records: metrics.records,
      deadLetters: metrics.deadLetters,
      filesWritten: metrics.filesWritten,
      bytesWritten: metrics.bytesWritten,
      batches: metrics.batches,
      seconds: (Date.now() - started) / 1000,
      positions: Object.fromEntries([...handedOver, ...loop.positions]),
      repairedOnStart,
    };
    logger.info("sink stopped", { ...summary });
    return summary;
  } finally {
    await subscription?.stop().catch(() => undefined);
    // No COPY may still be running when the writer closes (DuckDB's close would wait for it, blocking the thread).
    await running?.idle();
    await registration?.settled();
    await metricsServer?.close();
    await closeWriter();
  }
}

function remaining(targets: Offsets, from: ReadonlyMap<number, number>, partitions: readonly number[], starts: ReadonlyMap<number, number>): number {
  let n = 0;
  for (const p of partitions) n += Math.max(0, (targets.get(p) ?? 0) - (from.get(p) ?? starts.get(p) ?? 0));
  return n;
}

/**
 * `<tmpDir>/sink-<pid>`, emptied: workers sharing DATA_DIR each build in their own folder. Folders
 * of processes that no longer run are removed (a killed worker's leftovers).
 */
async function workerTmpDir(root: string): Promise<string> {
  await fs.mkdir(root, { recursive: true });
  for (const name of await fs.readdir(root)) {
    const pid = /^sink-(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && (Number(pid) === process.pid || !isRunning(Number(pid)))) await fs.rm(path.join(root, name), { recursive: true, force: true });
  }
  const dir = path.join(root, `sink-${process.pid}`);
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Lag of the partitions this worker owns (each worker reports its own). */
function updateLag(metrics: SinkMetrics, ends: Offsets, positions: ReadonlyMap<number, number>, owned: readonly number[]): void {
  metrics.lag.clear();
  for (const p of owned) metrics.lag.set(p, Math.max(0, (ends.get(p) ?? 0) - (positions.get(p) ?? 0)));
}

/** The wall-clock roll (fires with no new records) and the periodic metrics line. */
function startTimers(loop: SinkLoop, metrics: SinkMetrics, refreshLag: () => Promise<void>, logger: Logger, intervalMs: number, logEveryMs: number) {
  let rollTimer: NodeJS.Timeout | null = null;
  let active = true;
  const roll = async () => {
    if (!active) return;
    await loop.maybeRoll(Date.now()).catch(() => undefined);
    if (active) scheduleRoll(nextCheckIn(loop.bufferState, Date.now(), { maxRows: Infinity, maxBytes: Infinity, intervalMs }));
  };
  const scheduleRoll = (delay: number) => {
    rollTimer = setTimeout(() => void roll(), delay);
  };
  scheduleRoll(intervalMs);
  let since = Date.now();
  let before = 0;
  const logMetrics = async () => {
    await refreshLag().catch(() => undefined);
    logger.info("sink metrics", metrics.summary(since, before));
    since = Date.now();
    before = metrics.records;
  };
  const logTimer = logEveryMs > 0 ? setInterval(() => void logMetrics(), logEveryMs) : null;
  return {
    stop() {
      active = false;
      if (rollTimer) clearTimeout(rollTimer);
      if (logTimer) clearInterval(logTimer);
    },
  };
}
