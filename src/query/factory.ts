import type { QueryConfig } from "../config";
import { ConfigError } from "../errors";
import type { Storage } from "../storage";
import type { QueryEngine } from "./engine";

/**
 * The QueryEngine the configuration asks for, over the tables in `storage`, logged in as the
 * pipeline (creates tables, syncs partitions) or as an analyst (reads; the notebooks' queries).
 * Each engine's client is loaded only when asked for: the sink on Trino does not load DuckDB's
 * (~0.15 CPU-s at start) for its engine.
 */
export async function createQueryEngine(config: QueryConfig, storage: Storage, as: "pipeline" | "analyst" = "pipeline"): Promise<QueryEngine> {
  switch (config.kind) {
    case "duckdb":
      // DuckDB reads local files only; HDFS tables need Trino/Presto.
      if (storage.kind !== "local") throw new ConfigError("QUERY_ENGINE=duckdb needs STORAGE=local", "QUERY_ENGINE");
      return (await import("./duckdb-engine.js")).DuckDbEngine.open();
    case "trino":
    case "presto": {
      const login = as === "analyst" ? config.analyst : { user: config.user, password: config.password };
      const { PrestoEngine } = await import("./presto-engine.js");
      return new PrestoEngine({ kind: config.kind, url: config.prestoUrl, catalog: config.catalog, schema: config.schema, ca: config.ca, ...login });
    }
  }
}
