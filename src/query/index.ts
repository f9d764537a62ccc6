export type { QueryEngine, QueryResult, QueryColumn } from "./engine";
export { DuckDbEngine } from "./duckdb-engine";
export type { DuckDbEngineOptions } from "./duckdb-engine";
export { createQueryEngine } from "./factory";
export { registerTables, tableDir } from "./register";
export { sqlType, trinoCreateSchema, trinoCreateTable, trinoSyncPartitions, duckdbCreateView, duckdbFilesGlob } from "./ddl";
