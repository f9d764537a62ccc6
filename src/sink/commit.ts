/**
 * Commits one sealed batch to every table: build the Parquet files locally, upload each to a temp
 * name under `_sink_tmp/` (Hive, Trino and the DuckDB views skip `_` names), then rename each to
 * its final name. Final names are deterministic (source partition + offset range) and rename
 * refuses an existing target, so committing the same batch twice is harmless: that is what makes
 * recovery by replay idempotent.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { isRetriable, StorageError } from "../errors";
import type { Logger } from "../logger";
import type { Storage } from "../storage";
import { eachBounded } from "./bounded";
import type { Faults } from "./faults";
import { committedPath, fileName, SINK_TEMP_FOLDER, tempPath, type OffsetRange } from "./naming";
import type { DuckdbParquetWriter, LocalFile, SealedStage } from "./parquet/duckdb-writer";
import type { CommittedFile } from "./recovery-plan";

export interface CommitContext {
  storage: Storage;
  writer: DuckdbParquetWriter;
  /** Local folder where files are built. */
  tmpDir: string;
  faults: Faults;
  logger: Logger;
  /** Attempts for a retriable storage failure before the commit fails. */
  attempts?: number;
}

export interface CommitResult {
  files: (CommittedFile & { rows: number; bytes: number })[];
}

/**
 * Writes and commits a sealed batch whose records of source partition p span `ranges.get(p)`.
 * `skip` (recovery) leaves out (table, dt) pairs that are already committed. `before` (the sink
 * loop: the previous batch's commit) is awaited after the local files are built and before anything
 * reaches the storage, so batches can be built at the same time and still commit in order; if it
 * fails, this batch is not committed either.
 */
export async function commitBatch(
  ctx: CommitContext,
  sealed: SealedStage,
  ranges: ReadonlyMap<number, OffsetRange>,
  skip: (table: string, dt: string, range: OffsetRange) => boolean = () => false,
  before: Promise<unknown> = Promise.resolve(),
): Promise<CommitResult> {
  const localDir = path.join(ctx.tmpDir, `batch-${randomUUID()}`);
  try {
    const built = await ctx.writer.write(sealed, localDir, (p) => fileName(rangeOf(ranges, p)));
    ctx.faults("after-local-write");
    await before;
    const todo = built.filter((f) => !skip(f.table.name, f.dt, rangeOf(ranges, f.partition)));
    const files = await withRetry(ctx, () => uploadAndRename(ctx, todo, ranges));
    return { files };
  } finally {
    await fs.rm(localDir, { recursive: true, force: true });
  }
}

/** Uploads (and renames) running at once: on HDFS each file is a few round trips, most of them waiting. */
const STORAGE_CONCURRENCY = 4;

async function uploadAndRename(ctx: CommitContext, built: LocalFile[], ranges: ReadonlyMap<number, OffsetRange>): Promise<CommitResult["files"]> {
  const { storage, faults } = ctx;
  const staged = await eachBounded(built, STORAGE_CONCURRENCY, async (f) => {
    const range = rangeOf(ranges, f.partition);
    const data = await fs.readFile(f.localPath);
    const temp = tempPath(storage.root, SINK_TEMP_FOLDER, f.table.name, f.dt, range);
    await storage.writeFile(temp, data);
    faults("mid-upload");
    return { file: f, range, temp, bytes: data.length, final: committedPath(storage.root, f.table.name, f.dt, range) };
  });
  faults("after-upload");
  // Renames only once every upload is done: the window in which some tables have the batch and
  // others not is one round of renames long (recovery completes such a batch either way).
  await eachBounded(staged, STORAGE_CONCURRENCY, async (s) => {
    const renamed = await storage.rename(s.temp, s.final);
    // The target exists: an earlier attempt committed this very file (same rows, same name).
    if (!renamed) await storage.delete(s.temp);
    faults("between-renames");
  });
  faults("after-renames");
  return staged.map((s) => ({ table: s.file.table.name, dt: s.file.dt, path: s.final, range: s.range, rows: s.file.rows, bytes: s.bytes }));
}

function rangeOf(ranges: ReadonlyMap<number, OffsetRange>, partition: number): OffsetRange {
  const range = ranges.get(partition);
  if (!range) throw new StorageError(`batch has rows of partition ${partition} but no offset range for it`);
  return range;
}

async function withRetry<T>(ctx: CommitContext, task: () => Promise<T>): Promise<T> {
  const attempts = ctx.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= attempts || !isRetriable(error)) throw error;
      const waitMs = Math.min(5000, 200 * 2 ** attempt);
      ctx.logger.warn("commit failed, retrying", { attempt, waitMs, error: String(error) });
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
