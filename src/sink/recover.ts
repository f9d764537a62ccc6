/**
 * Recovery of the partitions a worker has just been given, before anything of them is read:
 *  1. fence: move each partition's temp folder (`_sink_tmp/<topic>+<p>/`) away and delete it, so
 *     files a previous owner uploaded can no longer be renamed into the tables;
 *  2. list every committed file of every table (of these partitions);
 *  3. delete files a larger committed file supersedes (a compaction interrupted before its deletes);
 *  4. re-derive each partition's last batch from the log and commit the tables that miss it
 *     (a crash between the renames of two tables);
 *  5. return, per partition, the next offset to read: the max committed end + 1.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import * as posix from "node:path/posix";
import { FencedError, NotFoundInStorageError } from "../errors";
import type { TableDef } from "../events";
import type { Logger } from "../logger";
import type { Storage } from "../storage";
import { partitionKey } from "../storage/layout";
import type { Transport } from "../transport";
import { commitBatch, type CommitContext } from "./commit";
import { listCommitted } from "./committed-files";
import { BatchKeys } from "./dedup";
import { sinkTempDir, SINK_TEMP_FOLDER, type OffsetRange } from "./naming";
import { DuckdbParquetWriter } from "./parquet/duckdb-writer";
import { readRanges } from "./read-range";
import { isCovered, planRecovery, type CommittedFile } from "./recovery-plan";
import { routeRecord, type RoutedRecord } from "./route";

export interface RecoveryContext extends Omit<CommitContext, "writer"> {
  transport: Transport;
  tables: readonly TableDef[];
  topic: string;
  maxMessageBytes: number;
  /** Options of the Parquet writer opened to complete a half-committed batch. */
  writerOptions: Omit<Parameters<typeof DuckdbParquetWriter.open>[1], "tmpDir">;
  logger: Logger;
}

export interface Recovered {
  /** Next offset to read, per recovered partition that has committed files. */
  next: Map<number, number>;
  /** Every committed file of the recovered partitions after recovery. */
  files: CommittedFile[];
  /** Files written to complete a half-committed batch. */
  repaired: CommittedFile[];
  /** Superseded files deleted. */
  superseded: number;
}

/** Recovers `partitions` of the topic (a worker's new assignment). */
export async function recover(ctx: RecoveryContext, partitions: readonly number[]): Promise<Recovered> {
  const { storage, logger } = ctx;
  // At once: each is a round trip or two to the NameNode, mostly waiting.
  await Promise.all(partitions.map((p) => fence(storage, sinkTempDir(storage.root, ctx.topic, p))));
  // Folders an earlier fence moved away but was killed before deleting: nothing renames out of them.
  await deleteFencedLeftovers(storage);
  // Temp files of the layout before per-partition folders: no sink writes there any more.
  await Promise.all(ctx.tables.map((t) => storage.delete(posix.join(storage.root, SINK_TEMP_FOLDER, t.name))));

  const mine = new Set(partitions);
  let files = (await listCommitted(storage, ctx.tables)).filter((f) => f.range.topic === ctx.topic && mine.has(f.range.partition));
  const plan = planRecovery(files, ctx.topic);
  for (const f of plan.superseded) {
    logger.info("deleting file superseded by a compacted file", { path: f.path });
    await storage.delete(f.path);
  }
  const gone = new Set(plan.superseded);
  files = files.filter((f) => !gone.has(f));

  const repaired = await completeLastBatches(ctx, [...plan.last.values()], files);
  if (repaired.length) files = files.concat(repaired);
  logger.info("recovered position from committed files", {
    partitions: [...partitions],
    files: files.length,
    next: Object.fromEntries(plan.next),
    repaired: repaired.length,
  });
  return { next: plan.next, files, repaired, superseded: plan.superseded.length };
}

/** Name prefix of a fenced temp folder, moved away to be deleted. */
const FENCED_PREFIX = ".fenced-";

/**
 * Moves a temp folder away in one rename, then deletes it. One rename is atomic on HDFS and on a
 * local disk: a previous owner's rename out of it either happened before (and its file is listed
 * next) or finds its source gone. A recursive delete alone walks the folder and could race that.
 */
async function fence(storage: Storage, dir: string): Promise<void> {
  const away = posix.join(posix.dirname(dir), `${FENCED_PREFIX}${randomUUID()}`);
  try {
    if (!(await storage.rename(dir, away))) throw new Error(`fence target ${away} exists`);
  } catch (error) {
    if (error instanceof NotFoundInStorageError) return;
    throw error;
  }
  await storage.delete(away);
}

async function deleteFencedLeftovers(storage: Storage): Promise<void> {
  const entries = await storage.list(posix.join(storage.root, SINK_TEMP_FOLDER));
  await Promise.all(entries.filter((e) => e.name.startsWith(FENCED_PREFIX)).map((e) => storage.delete(e.path)));
}

/** Replays each partition's last batch and commits only the (table, dt) files that are missing. */
async function completeLastBatches(ctx: RecoveryContext, last: OffsetRange[], files: CommittedFile[]): Promise<CommittedFile[]> {
  if (last.length === 0) return [];
  const records = await readRanges(ctx.transport, ctx.topic, last);
  const ingestedAt = Date.now();
  const keys = new BatchKeys();
  const routed: RoutedRecord[] = [];
  const ranges = new Map<number, OffsetRange>();
  let missing = false;
  for (const range of last) {
    const got = records.get(range.partition) ?? [];
    if (got.length === 0 || got[0].offset !== range.start || got[got.length - 1].offset !== range.end) {
      // The log no longer holds the whole batch (retention): nothing can be re-derived.
      ctx.logger.warn("cannot re-read the last batch from the log; leaving it as committed", { ...range, read: got.length });
      continue;
    }
    ranges.set(range.partition, range);
    const made = new Map<string, { table: string; dt: string }>();
    for (const rec of got) {
      const r = routeRecord(rec, { maxMessageBytes: ctx.maxMessageBytes, ingestedAt });
      if (!keys.admit(rec.partition, r)) continue; // as the first attempt did (dedup.ts)
      routed.push(r);
      for (const t of r.tables) made.set(partitionKey(t.name, r.dt), { table: t.name, dt: r.dt });
    }
    // Routing is pure, so it tells which (table, dt) files the batch makes: only a missing one is worth building.
    missing ||= [...made.values()].some(({ table, dt }) => !isCovered(files, table, dt, range));
  }
  if (!missing) return [];
  // A writer of its own: the sink's may be staging other partitions' records meanwhile.
  const tmpDir = path.join(ctx.tmpDir, `recovery-${randomUUID()}`);
  const writer = await DuckdbParquetWriter.open(ctx.tables, { ...ctx.writerOptions, tmpDir });
  try {
    for (const r of routed) writer.add(r);
    const result = await commitBatch({ ...ctx, writer }, writer.seal(), ranges, (table, dt, range) => isCovered(files, table, dt, range));
    if (result.fenced.length > 0) throw new FencedError("partitions taken over while they were being recovered", result.fenced);
    for (const f of result.files) ctx.logger.warn("completed a half-committed batch", { table: f.table, dt: f.dt, path: f.path });
    return result.files;
  } finally {
    await writer.close();
    await fs.rm(tmpDir, { recursive: true, force: true });
  }
}
