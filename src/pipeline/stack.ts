/**
 * The stack a run uses, opened from the configuration: the log (Kafka or the embedded log), the
 * table storage (HDFS or local disk) and the SQL engine (Trino or DuckDB). `npm start` and
 * notebooks/01-pipeline.ipynb open it the same way.
 */
import type { Config } from "../config";
import type { Logger } from "../logger";
import { createQueryEngine, type QueryEngine } from "../query";
import { createStorage, type Storage } from "../storage";
import { createTransport, type Transport } from "../transport";

export interface Stack {
  readonly config: Config;
  readonly transport: Transport;
  readonly storage: Storage;
  readonly engine: QueryEngine;
  /** Closes the SQL engine and the log (the storage holds no connection). */
  close(): Promise<void>;
}

/** Connects to the configured log, storage and SQL engine. */
export async function openStack(config: Config, logger: Logger): Promise<Stack> {
  const storage = createStorage(config.storage);
  const engine = await createQueryEngine(config.query, storage);
  let transport: Transport;
  try {
    transport = await createTransport(config.transport, logger.child("transport"));
  } catch (error) {
    await engine.close();
    throw error;
  }
  return {
    config, transport, storage, engine,
    close: async () => {
      await engine.close();
      await transport.close();
    },
  };
}

/** Where each part of the configured stack lives, one line per part. */
export function describeStack(config: Config): { part: string; where: string }[] {
  const t = config.transport;
  const s = config.storage;
  const q = config.query;
  return [
    { part: "event log", where: `${t.kind === "kafka" ? `Kafka at ${t.kafka.brokers.join(", ")}` : `embedded log (SQLite) at ${t.embeddedPath}`}, topic ${t.topic}` },
    { part: "table storage", where: s.kind === "hdfs" ? `HDFS ${s.hdfsUri}${s.warehouse} through WebHDFS ${s.webhdfsUrl}` : `local disk ${s.warehouse}` },
    { part: "SQL engine", where: q.kind === "duckdb" ? "DuckDB (in process), views over the Parquet files" : `${q.kind} at ${q.prestoUrl}, catalog ${q.catalog}, schema ${q.schema}` },
  ];
}
