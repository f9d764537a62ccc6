/**
 * The analysis notebook's connection: the SQL engine of the run the pipeline notebook recorded
 * (Trino over the Hive Metastore on the real stack, DuckDB over the local Parquet files on the
 * embedded default), with `sql()` answering dataframes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Config } from "../config";
import { readRunRecord, type RunRecord } from "../pipeline";
import { createQueryEngine, registerTables, type QueryEngine } from "../query";
import { createStorage } from "../storage";
import { notebookConfig, PROJECT_ROOT } from "./config";
import { toFrame, type DataFrame } from "./frame";

/** SQL read from a file under queries/, shown by `show` as a code block under its file name. */
export class SqlFile {
  constructor(readonly file: string, readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export interface Connection {
  readonly engine: QueryEngine;
  /** What the pipeline run recorded: stack, loads, the simulator's ground truth. */
  readonly run: RunRecord;
  /** Runs a query (text or a queries/ file) and answers a dataframe: timestamps as Dates, counts as numbers. */
  sql(query: string | SqlFile): Promise<DataFrame>;
  /**
   * queries/<path> as this engine runs it: on DuckDB, `<folder>-duckdb/<file>` when that
   * documented equivalent exists (e.g. the reference's `show tables`), otherwise the file itself.
   */
  queryFile(file: string): SqlFile;
  close(): Promise<void>;
}

/**
 * Connects to the tables of the recorded run. DuckDB's views live in its connection, so they are
 * made here; on Trino the pipeline's sink registered the tables and their partitions in the
 * metastore, and the analysis only reads: it logs in as the analyst, who on a secured stack may
 * not create anything.
 */
export async function connect(config: Config = notebookConfig()): Promise<Connection> {
  const run = readRunRecord(config.dataDir);
  const storage = createStorage(config.storage);
  const engine = await createQueryEngine(config.query, storage, "analyst");
  try {
    if (!engine.registersPartitions) await registerTables(engine, storage);
  } catch (error) {
    await engine.close();
    throw error;
  }
  const queries = path.join(PROJECT_ROOT, "queries");
  return {
    engine,
    run,
    // The REST protocol of Trino takes no terminating `;`.
    sql: async (query) => toFrame(await engine.query(String(query).trim().replace(/;\s*$/, ""))),
    queryFile: (file) => {
      const duckdb = path.join(queries, `${path.dirname(file)}-duckdb`, path.basename(file));
      const chosen = engine.kind === "duckdb" && fs.existsSync(duckdb) ? duckdb : path.join(queries, file);
      return new SqlFile(path.relative(PROJECT_ROOT, chosen), fs.readFileSync(chosen, "utf8").trim());
    },
    close: () => engine.close(),
  };
}
