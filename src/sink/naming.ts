/**
 * File names of committed table files (the folders they go in: storage/layout.ts). Pure.
 *
 * A committed file is `<warehouse>/<table>/dt=YYYY-MM-DD/<topic>+<partition>+<start>+<end>.parquet`:
 * the name says exactly which log offsets (inclusive) it holds, so the files themselves are the
 * sink's checkpoint. Offsets are zero-padded to 20 digits so names sort in offset order.
 * Temporary files live in folders starting with `_`, which Hive, Trino and the DuckDB views skip.
 */
import * as posix from "node:path/posix";
import { filePath, partitionDir, partitionFolder } from "../storage/layout";

export interface OffsetRange {
  topic: string;
  partition: number;
  /** First offset in the file (inclusive). */
  start: number;
  /** Last offset in the file (inclusive). */
  end: number;
}

const OFFSET_DIGITS = 20;
const FILE_PATTERN = /^([A-Za-z0-9][A-Za-z0-9._-]*)\+(\d+)\+(\d{20})\+(\d{20})\.parquet$/;

/** Folder (under the warehouse) where the sink stages files before renaming them into tables. */
export const SINK_TEMP_FOLDER = "_sink_tmp";
/** Folder where compaction stages merged files. */
export const COMPACT_TEMP_FOLDER = "_compact_tmp";

/**
 * Topics whose files can be named: Kafka's legal characters, not starting with '.' or '_'
 * (Hive and Trino would skip such files as hidden).
 */
export const TOPIC_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `<topic>+<partition>+<start>+<end>.parquet`, offsets zero-padded. */
export function fileName(range: OffsetRange): string {
  const pad = (n: number) => String(n).padStart(OFFSET_DIGITS, "0");
  return `${range.topic}+${range.partition}+${pad(range.start)}+${pad(range.end)}.parquet`;
}

/** The offset range a committed file name encodes, or null for any other name. */
export function parseFileName(name: string): OffsetRange | null {
  const m = FILE_PATTERN.exec(name);
  if (!m) return null;
  const range = { topic: m[1], partition: Number(m[2]), start: Number(m[3]), end: Number(m[4]) };
  if (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end) || range.start > range.end) return null;
  return range;
}

/** Final path of a committed file. */
export function committedPath(root: string, table: string, dt: string, range: OffsetRange): string {
  return posix.join(partitionDir(root, table, dt), fileName(range));
}

/**
 * Folder of one source partition's in-flight sink files, `_sink_tmp/<topic>+<partition>`: a worker
 * that takes the partition over moves it away before it reads anything, so a previous owner's
 * uploads can no longer be renamed into the tables (the fencing argument in the README).
 */
export function sinkTempDir(root: string, topic: string, partition: number): string {
  return posix.join(root, SINK_TEMP_FOLDER, `${topic}+${partition}`);
}

/** Temp path of a sink file: under its partition's folder, in the writing worker's own folder. */
export function sinkTempPath(root: string, member: string, table: string, dt: string, range: OffsetRange): string {
  return posix.join(sinkTempDir(root, range.topic, range.partition), member, table, partitionFolder(dt), fileName(range));
}

/** Temp path of a file on its way to `committedPath` (same relative layout under a `_` folder). */
export function tempPath(root: string, folder: string, table: string, dt: string, range: OffsetRange): string {
  return filePath(posix.join(root, folder), table, dt, fileName(range));
}

/** True when `outer` holds every offset of `inner` (same topic and partition). */
export function covers(outer: OffsetRange, inner: OffsetRange): boolean {
  return outer.topic === inner.topic && outer.partition === inner.partition && outer.start <= inner.start && outer.end >= inner.end;
}
