import { TABLES, type TableDef } from "../events";
import { tableDir, type Storage } from "../storage";
import type { QueryEngine } from "./engine";

/**
 * Registers every table (idempotent) and makes its current partitions visible. The partitions of
 * the tables are synced concurrently: on Trino each sync is a query of its own, mostly waiting.
 */
export async function registerTables(engine: QueryEngine, storage: Storage, tables: readonly TableDef[] = TABLES): Promise<void> {
  await Promise.all(tables.map((table) => storage.mkdirs(tableDir(storage.root, table.name))));
  await engine.registerTables(tables.map((table) => ({ table, location: storage.uri(tableDir(storage.root, table.name)) })));
  await Promise.all(tables.map((table) => engine.syncPartitions(table)));
}
