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

export interface QueryEngine {
  readonly kind: "duckdb" | "trino" | "presto";
  /**
   * True when a new partition folder is invisible until syncPartitions registers it (a metastore:
   * Trino/Presto); false when queries find the folders themselves (DuckDB's views over a glob).
   */
  readonly registersPartitions: boolean;
  query(sql: string): Promise<QueryResult>;
  /** Creates the table over `location` if missing (idempotent); DDL derived from the contract. */
  registerTable(table: TableDef, location: string): Promise<void>;
  /** Makes partitions (dt=...) that appeared since the last call visible to queries. */
  syncPartitions(table: TableDef): Promise<void>;
  close(): Promise<void>;
}
