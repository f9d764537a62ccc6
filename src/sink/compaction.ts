/**
 * Compaction: merges each (table, dt, source partition)'s small files into one, with the sink's
 * commit discipline. For each merge: build the merged file locally (DuckDB), upload it under
 * `_compact_tmp/`, rename it into the partition under its covering name, then delete the inputs.
 * A crash after the rename leaves inputs that the merged file supersedes; they are deleted by the
 * next compaction or sink start (recovery), before the sink consumes or registers anything.
 * Readers querying during a merge may see the merged file and its inputs together for the time
 * of the deletes (milliseconds on local disk); see the README.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import * as posix from "node:path/posix";
import type { Config } from "../config";
import { TABLES } from "../events";
import type { Logger } from "../logger";
import type { Storage } from "../storage";
import type { Transport } from "../transport";
import { listCommitted, listPartition } from "./committed-files";
import { planCompaction, type MergePlan } from "./compaction-plan";
import { createFaults, type Faults } from "./faults";
import { committedPath, COMPACT_TEMP_FOLDER, covers, tempPath } from "./naming";
import { KEY_COLUMN } from "./dedup";
import { literal } from "./parquet/schema";
import { planRecovery } from "./recovery-plan";

export interface CompactOptions {
  config: Config;
  storage: Storage;
  logger: Logger;
  /** Not used for reading; accepted so callers can pass the same dependencies as runSink. */
  transport?: Transport;
  table?: string;
  dt?: string;
  minFiles?: number;
  faults?: Faults;
}

export interface CompactResult {
  merges: number;
  inputFiles: number;
  supersededDeleted: number;
  rows: number;
}

export async function compact(options: CompactOptions): Promise<CompactResult> {
  const { config, storage, logger } = options;
  const faults = options.faults ?? createFaults(config.sink.fault);
  const topic = config.transport.topic;
  // 1. Finish what an interrupted compaction left: temp files, and inputs a merged file supersedes.
  await storage.delete(posix.join(storage.root, COMPACT_TEMP_FOLDER));
  let files = await listCommitted(storage, TABLES);
  const { superseded } = planRecovery(files, topic);
  for (const f of superseded) await storage.delete(f.path);
  const gone = new Set(superseded);
  files = files.filter((f) => !gone.has(f));

  // 2. Merge.
  const plans = planCompaction(files, topic, { table: options.table, dt: options.dt, minFiles: options.minFiles });
  const localDir = path.join(config.sink.tmpDir, `compact-${randomUUID()}`);
  await fs.mkdir(localDir, { recursive: true });
  const db = await DuckDBInstance.create(":memory:", { memory_limit: config.sink.writerMemory, temp_directory: path.join(localDir, "spill") });
  const con = await db.connect();
  let rows = 0;
  try {
    for (const plan of plans) {
      rows += await merge(plan, { storage, faults, logger, localDir, run: (sql) => con.run(sql).then(() => undefined), column: async (sql) => {
        const r = await con.runAndReadAll(sql);
        return r.getRows().map((row) => Number(row[0]));
      }, compression: config.sink.compression });
    }
  } finally {
    con.closeSync();
    db.closeSync();
    await fs.rm(localDir, { recursive: true, force: true });
  }
  const result = { merges: plans.length, inputFiles: plans.reduce((n, p) => n + p.inputs.length, 0), supersededDeleted: superseded.length, rows };
  logger.info("compaction done", { ...result });
  return result;
}

/**
 * Two compactions running at once can publish nested merges of one partition (one planned before
 * the other's rename). Whichever finishes last deletes what is nested: the files its merge covers,
 * or its own merge when a wider one covers it, so a reader sees each offset once again as soon as
 * both are done (not only after the next compaction or sink start).
 */
async function settleNested(storage: Storage, plan: MergePlan, final: string, logger: Logger): Promise<void> {
  const dir = posix.dirname(final);
  const files = await listPartition(storage, plan.table, plan.dt, dir);
  const wider = files.find((f) => f.path !== final && covers(f.range, plan.range));
  if (wider) {
    logger.info("a wider merge covers this one; deleting it", { merged: final, wider: wider.path });
    await storage.delete(final);
    return;
  }
  for (const f of files) {
    if (f.path !== final && covers(plan.range, f.range)) await storage.delete(f.path);
  }
}

interface MergeContext {
  storage: Storage;
  faults: Faults;
  logger: Logger;
  localDir: string;
  compression: string;
  run(sql: string): Promise<void>;
  /** The first column of a query's rows, as numbers. */
  column(sql: string): Promise<number[]>;
}

async function merge(plan: MergePlan, ctx: MergeContext): Promise<number> {
  const { storage, faults } = ctx;
  const dir = path.join(ctx.localDir, randomUUID());
  await fs.mkdir(dir, { recursive: true });
  try {
    // Inputs are fetched through Storage so the same code merges local and HDFS files.
    const locals: string[] = [];
    for (const [i, input] of plan.inputs.entries()) {
      const local = path.join(dir, `in-${i}.parquet`);
      await fs.writeFile(local, await storage.readFile(input.path));
      locals.push(local);
    }
    const out = path.join(dir, plan.name);
    // Inputs are listed in offset order and DuckDB keeps the files' order, so the merged file is
    // in offset order without a sort: the copy streams in bounded memory (an ORDER BY ran out of
    // memory at ~500k rows under the writer's memory limit).
    const list = `[${locals.map(literal).join(", ")}]`;
    const copies = await retriedCopies(list, ctx);
    // A plain filter keeps the scan's order (a join or window in the COPY would not).
    const where = copies.length > 0 ? ` WHERE kafka_offset NOT IN (${copies.join(", ")})` : "";
    await ctx.run(
      `COPY (SELECT * FROM read_parquet(${list}, union_by_name = true)${where}) TO ${literal(out)} ` +
        `(FORMAT parquet, COMPRESSION ${ctx.compression}, ROW_GROUP_SIZE 100000)`,
    );
    const [rows] = await ctx.column(`SELECT count(*)::INTEGER FROM read_parquet(${literal(out)})`);
    if (copies.length > 0) ctx.logger.info("dropped retried copies", { table: plan.table, dt: plan.dt, rows: copies.length });
    const temp = tempPath(storage.root, COMPACT_TEMP_FOLDER, plan.table, plan.dt, plan.range);
    await storage.writeFile(temp, await fs.readFile(out));
    const final = committedPath(storage.root, plan.table, plan.dt, plan.range);
    // false: a previous run already committed this merge (and crashed before its deletes).
    if (!(await storage.rename(temp, final))) await storage.delete(temp);
    faults("compact-after-rename");
    for (const input of plan.inputs) {
      await storage.delete(input.path);
      faults("compact-mid-delete");
    }
    await settleNested(storage, plan, final, ctx.logger);
    ctx.logger.info("merged", { table: plan.table, dt: plan.dt, files: plan.inputs.length, rows, into: plan.name });
    return rows;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Offsets of the rows that repeat an earlier row's idempotency key in the merged files (the
 * inputs are one source partition, where every copy of a key lands: sink/dedup.ts). Files
 * written before the contract had the column (schema version 1) have no keys to compare.
 */
async function retriedCopies(list: string, ctx: MergeContext): Promise<number[]> {
  const [withKeys] = await ctx.column(`SELECT count(*)::INTEGER FROM parquet_schema(${list}) WHERE name = ${literal(KEY_COLUMN)}`);
  if (withKeys === 0) return [];
  return ctx.column(
    `SELECT kafka_offset FROM (SELECT kafka_offset, row_number() OVER (PARTITION BY ${KEY_COLUMN} ORDER BY kafka_offset) AS copy ` +
      `FROM read_parquet(${list}, union_by_name = true) WHERE ${KEY_COLUMN} IS NOT NULL) WHERE copy > 1 ORDER BY kafka_offset`,
  );
}
