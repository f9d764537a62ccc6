export type { QueryEngine, QueryResult, QueryColumn } from "./engine";
export { DuckDbEngine } from "./duckdb-engine";
export type { DuckDbEngineOptions } from "./duckdb-engine";
export { PrestoEngine } from "./presto-engine";
export type { PrestoEngineOptions } from "./presto-engine";
export { createQueryEngine } from "./factory";
export { registerTables, tableDir } from "./register";
export { sqlType, prestoAddColumn, trinoCreateSchema, trinoCreateTable, trinoSyncPartitions, duckdbCreateView, duckdbFilesGlob } from "./ddl";
export type { SqlDialect } from "./ddl";
