/**
 * The warehouse layout, written down here and nowhere else: `<root>/<table>/dt=YYYY-MM-DD/<file>`.
 * Partitions are Hive-style folders named after the UTC date of the event, which Trino's Hive
 * connector and DuckDB's hive_partitioning both read as the `dt` column. Hive and Trino skip
 * files and folders whose names start with `_` or `.`, so in-flight files live under such names.
 * Pure: the paths are posix (HDFS paths and local paths on the platforms the project supports).
 */
import * as posix from "node:path/posix";
import { PARTITION_COLUMN } from "../events";

export const DAY_MS = 86_400_000;

const MIN_MS = -62167219200000; // 0000-01-01T00:00:00Z (Date.UTC maps years 0-99 to 1900-1999)
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** True when the timestamp falls in years 0000-9999 (a dt folder can be named for it). */
export function isWritableTimestamp(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS;
}

const dtCache = new Map<number, string>();

/** The UTC date of an epoch-ms timestamp, as `YYYY-MM-DD` (memoised per day: called once per record). */
export function dtOf(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let dt = dtCache.get(day);
  if (dt === undefined) {
    dt = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dtCache.size > 10_000) dtCache.clear();
    dtCache.set(day, dt);
  }
  return dt;
}

const DT_FOLDER = new RegExp(`^${PARTITION_COLUMN}=(\\d{4}-\\d{2}-\\d{2})$`);

/** Name of the partition folder of `dt`: `dt=2026-11-27`. */
export function partitionFolder(dt: string): string {
  return `${PARTITION_COLUMN}=${dt}`;
}

/** The dt value of a partition folder name (`dt=2026-11-27`), or null. */
export function parseDtFolder(name: string): string | null {
  return DT_FOLDER.exec(name)?.[1] ?? null;
}

/** Folder of a table under the warehouse root. */
export function tableDir(root: string, table: string): string {
  return posix.join(root, table);
}

/** Folder of one dt partition of a table. */
export function partitionDir(root: string, table: string, dt: string): string {
  return posix.join(root, table, partitionFolder(dt));
}

/** Path of a file in a table's dt partition. */
export function filePath(root: string, table: string, dt: string, file: string): string {
  return posix.join(partitionDir(root, table, dt), file);
}

/**
 * Glob of the visible Parquet files of the table at `tableLocation`. DuckDB's glob, unlike Hive,
 * also matches names that start with '.' or '_' (in-flight temp files), so it excludes them.
 */
export function visibleFilesGlob(tableLocation: string): string {
  return `${tableLocation.replace(/\/+$/, "")}/${PARTITION_COLUMN}=*/[!._]*.parquet`;
}

/** Key of one table's dt partition (the sets of partitions a SQL engine already knows). */
export function partitionKey(table: string, dt: string): string {
  return `${table}/${dt}`;
}
