/**
 * Start-up recovery, before anything is consumed or queried:
 *  1. delete leftover temp files in `_sink_tmp/` (the runner empties the local build folder);
 *  2. list every committed file of every table;
 *  3. delete files a larger committed file supersedes (a compaction interrupted before its deletes);
 *  4. re-derive each partition's last batch from the log and commit the tables that miss it
 *     (a crash between the renames of two tables);
 *  5. return, per partition, the next offset to read: the max committed end + 1.
 */
import * as posix from "node:path/posix";
import type { TableDef } from "../events";
import type { Logger } from "../logger";
import type { Transport } from "../transport";
import { commitBatch, type CommitContext } from "./commit";
import { listCommitted } from "./committed-files";
import { SINK_TEMP_FOLDER, type OffsetRange } from "./naming";
import { BatchKeys } from "./dedup";
import { readRanges } from "./read-range";
import { isCovered, planRecovery, type CommittedFile } from "./recovery-plan";
import { routeRecord } from "./route";

export interface RecoveryContext extends CommitContext {
  transport: Transport;
  tables: readonly TableDef[];
  topic: string;
  groupId: string;
  maxMessageBytes: number;
  logger: Logger;
}

export interface Recovered {
  /** Next offset to read, per partition that has committed files. */
  next: Map<number, number>;
  /** Every committed file after recovery. */
  files: CommittedFile[];
  /** Files written to complete a half-committed batch. */
  repaired: number;
  /** Superseded files deleted. */
  superseded: number;
}

export async function recover(ctx: RecoveryContext): Promise<Recovered> {
  const { storage, logger } = ctx;
  await storage.delete(posix.join(storage.root, SINK_TEMP_FOLDER));

  let files = await listCommitted(storage, ctx.tables);
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
    files: files.length,
    next: Object.fromEntries(plan.next),
    repaired: repaired.length,
  });
  return { next: plan.next, files, repaired: repaired.length, superseded: plan.superseded.length };
}

/** Replays each partition's last batch and commits only the (table, dt) files that are missing. */
async function completeLastBatches(ctx: RecoveryContext, last: OffsetRange[], files: CommittedFile[]): Promise<CommittedFile[]> {
  if (last.length === 0) return [];
  const records = await readRanges(ctx.transport, ctx.topic, ctx.groupId, last);
  const ingestedAt = Date.now();
  const keys = new BatchKeys();
  let staged = 0;
  for (const range of last) {
    const got = records.get(range.partition) ?? [];
    if (got.length === 0 || got[0].offset !== range.start || got[got.length - 1].offset !== range.end) {
      // The log no longer holds the whole batch (retention): nothing can be re-derived.
      ctx.logger.warn("cannot re-read the last batch from the log; leaving it as committed", { ...range, read: got.length });
      continue;
    }
    for (const rec of got) {
      const routed = routeRecord(rec, { maxMessageBytes: ctx.maxMessageBytes, ingestedAt });
      if (!keys.admit(rec.partition, routed)) continue; // as the first attempt did (dedup.ts)
      ctx.writer.add(routed);
      staged++;
    }
  }
  if (staged === 0) return [];
  const ranges = new Map(last.map((r) => [r.partition, r]));
  const result = await commitBatch(ctx, ctx.writer.seal(), ranges, (table, dt, range) => isCovered(files, table, dt, range));
  for (const f of result.files) ctx.logger.warn("completed a half-committed batch", { table: f.table, dt: f.dt, path: f.path });
  return result.files;
}
