/**
 * Commits one sealed batch to every table, as one batch per source partition: build the Parquet
 * files locally, upload each to a temp name in its partition's folder under `_sink_tmp/` (Hive,
 * Trino and the DuckDB views skip `_` names), confirm that this worker still owns the partition,
 * then rename each file to its final name. Final names are deterministic (source partition + offset
 * range) and rename refuses an existing target, so committing the same batch twice is harmless:
 * that is what makes recovery by replay idempotent. A partition this worker no longer owns is not
 * committed (its temp files are removed); the README has the argument why a late rename cannot
 * slip through either.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import * as posix from "node:path/posix";
import { FencedError, NotFoundInStorageError, StorageError } from "../errors";
import type { Logger } from "../logger";
import * as retry from "../retry";
import type { Storage } from "../storage";
import { eachBounded } from "./bounded";
import type { Faults } from "./faults";
import { committedPath, fileName, sinkTempDir, sinkTempPath, type OffsetRange } from "./naming";
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
  /** This worker's folder name under each partition's temp folder. */
  member: string;
  /** Rejects with a FencedError unless this worker still owns `partitions` (Subscription.confirmOwnership). */
  confirmOwnership(partitions: readonly number[]): Promise<void>;
}

export interface CommitResult {
  files: (CommittedFile & { rows: number; bytes: number })[];
  /** Partitions whose batch was not committed: another worker owns them now. */
  fenced: number[];
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
  // The timeline of a run (bench/sink-timeline.ts): which batch was built, waited and stored when.
  const offsets = [...ranges.values()].map((r) => `${r.partition}:${r.start}-${r.end}`).join(" ");
  try {
    const built = await ctx.writer.write(sealed, localDir, (p) => fileName(rangeOf(ranges, p)));
    ctx.logger.debug("built", { offsets, files: built.length });
    ctx.faults("after-local-write");
    await before;
    ctx.logger.debug("storing", { offsets });
    const todo = built.filter((f) => !skip(f.table.name, f.dt, rangeOf(ranges, f.partition)));
    const result = await withRetry(ctx, () => uploadAndRename(ctx, todo, ranges));
    ctx.logger.debug("stored", { offsets, files: result.files.length });
    return result;
  } finally {
    await fs.rm(localDir, { recursive: true, force: true });
  }
}

/** Uploads (and renames) running at once: on HDFS each file is a few round trips, most of them waiting. */
const STORAGE_CONCURRENCY = 4;

async function uploadAndRename(ctx: CommitContext, built: LocalFile[], ranges: ReadonlyMap<number, OffsetRange>): Promise<CommitResult> {
  const { storage, faults } = ctx;
  const staged = await eachBounded(built, STORAGE_CONCURRENCY, async (f) => {
    const range = rangeOf(ranges, f.partition);
    const data = await fs.readFile(f.localPath);
    const temp = sinkTempPath(storage.root, ctx.member, f.table.name, f.dt, range);
    await storage.writeFile(temp, data);
    faults("mid-upload");
    return { file: f, range, temp, bytes: data.length, final: committedPath(storage.root, f.table.name, f.dt, range) };
  });
  faults("after-upload");
  // Right before the renames, each partition's owner is asked again: a worker that lost a partition
  // (taken over, session expired) commits nothing more for it.
  const partitions = [...new Set(staged.map((s) => s.file.partition))];
  const fenced = new Set<number>();
  await Promise.all(
    partitions.map((p) =>
      ctx.confirmOwnership([p]).catch((error: unknown) => {
        if (!(error instanceof FencedError)) throw error;
        fenced.add(p);
      }),
    ),
  );
  const owned = staged.filter((s) => !fenced.has(s.file.partition));
  faults("after-ownership-check");
  // Renames only once every upload is done: the window in which some tables have the batch and
  // others not is one round of renames long (recovery completes such a batch either way).
  await eachBounded(owned, STORAGE_CONCURRENCY, async (s) => {
    let renamed: boolean;
    try {
      renamed = await storage.rename(s.temp, s.final);
    } catch (error) {
      // A successor moved the partition's temp folder away: this worker was fenced off after its check.
      if (error instanceof NotFoundInStorageError && (await isFenced(ctx, s.file.partition))) {
        fenced.add(s.file.partition);
        return;
      }
      throw error;
    }
    // The target exists: an earlier attempt committed this very file (same rows, same name).
    if (!renamed) await storage.delete(s.temp);
    faults("between-renames");
  });
  faults("after-renames");
  for (const p of fenced) await discard(ctx, ranges, p);
  const committed = staged.filter((s) => !fenced.has(s.file.partition));
  return {
    files: committed.map((s) => ({ table: s.file.table.name, dt: s.file.dt, path: s.final, range: s.range, rows: s.file.rows, bytes: s.bytes })),
    fenced: [...fenced],
  };
}

async function isFenced(ctx: CommitContext, partition: number): Promise<boolean> {
  try {
    await ctx.confirmOwnership([partition]);
    return false;
  } catch (error) {
    if (error instanceof FencedError) return true;
    throw error;
  }
}

/** Removes this worker's temp files of a partition it no longer owns. */
async function discard(ctx: CommitContext, ranges: ReadonlyMap<number, OffsetRange>, partition: number): Promise<void> {
  const range = rangeOf(ranges, partition);
  ctx.logger.warn("batch not committed: the partition belongs to another worker now", { ...range });
  await ctx.storage.delete(posix.join(sinkTempDir(ctx.storage.root, range.topic, partition), ctx.member)).catch(() => undefined);
}

function rangeOf(ranges: ReadonlyMap<number, OffsetRange>, partition: number): OffsetRange {
  const range = ranges.get(partition);
  if (!range) throw new StorageError(`batch has rows of partition ${partition} but no offset range for it`);
  return range;
}

/** Waits between commit attempts: 400 ms, doubling, at most 5 s. */
const COMMIT_BACKOFF = retry.exponentialBackoff(400, 5000);

/** `task` under the shared retry helper, each retry logged. */
function withRetry<T>(ctx: CommitContext, task: () => Promise<T>): Promise<T> {
  return retry.withRetry(task, {
    attempts: ctx.attempts ?? 5,
    backoffMs: COMMIT_BACKOFF,
    onRetry: ({ attempt, waitMs, error }) => ctx.logger.warn("commit failed, retrying", { attempt, waitMs, error: String(error) }),
  });
}
