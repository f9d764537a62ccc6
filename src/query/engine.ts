/**
 * A SQL engine over the tables. Two implementations: DuckDB (embedded default, views over the
 * local Parquet files with hive_partitioning) and Presto/Trino (external tables in the Hive
 * Metastore). One contract test suite runs against both (test/query/contract.ts).
 */
import type { TableDef } from "../events";

export interface QueryColumn {
  name: string;
  /** Engine type name, lower case (varchar, bigint, timestamp(3), ...). */
  type: string;
}

export interface QueryResult {
  columns: QueryColumn[];
  /** One object per row, keyed by column name; integers as numbers, timestamps as ISO strings. */
  rows: Record<string, unknown>[];
}

/** A table and where its files live (a URI the engine reads). */
export interface TableLocation {
  table: TableDef;
  location: string;
}

export interface QueryEngine {
  readonly kind: "duckdb" | "trino" | "presto";
  /**
   * True when a new partition folder is invisible until syncPartitions registers it (a metastore:
   * Trino/Presto); false when queries find the folders themselves (DuckDB's views over a glob).
   */
  readonly registersPartitions: boolean;
  query(sql: string): Promise<QueryResult>;
  /**
   * Creates each table over its location if missing, and adds the columns a newer contract brought
   * (idempotent); DDL derived from the contract. New partitions need syncPartitions.
   */
  registerTables(tables: readonly TableLocation[]): Promise<void>;
  /** Makes partitions (dt=...) that appeared since the last call visible to queries. */
  syncPartitions(table: TableDef): Promise<void>;
  close(): Promise<void>;
}
