import * as path from "node:path";
import { TABLES, type TableDef } from "../events";
import type { Storage } from "../storage";
import type { QueryEngine } from "./engine";

/** Folder of a table under the storage root (partition folders dt=... live below it). */
export function tableDir(storage: Storage, table: TableDef): string {
  return path.posix.join(storage.root, table.name);
}

/**
 * Registers every table (idempotent) and makes its current partitions visible. The partitions of
 * the tables are synced concurrently: on Trino each sync is a query of its own, mostly waiting.
 */
export async function registerTables(engine: QueryEngine, storage: Storage, tables: readonly TableDef[] = TABLES): Promise<void> {
  await Promise.all(tables.map((table) => storage.mkdirs(tableDir(storage, table))));
  await engine.registerTables(tables.map((table) => ({ table, location: storage.uri(tableDir(storage, table)) })));
  await Promise.all(tables.map((table) => engine.syncPartitions(table)));
}
