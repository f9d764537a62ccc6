import type { QueryConfig } from "../config";
import { ConfigError } from "../errors";
import type { Storage } from "../storage";
import { DuckDbEngine } from "./duckdb-engine";
import type { QueryEngine } from "./engine";
import { PrestoEngine } from "./presto-engine";

/**
 * The QueryEngine the configuration asks for, over the tables in `storage`, logged in as the
 * pipeline (creates tables, syncs partitions) or as an analyst (reads; the notebooks' queries).
 */
export async function createQueryEngine(config: QueryConfig, storage: Storage, as: "pipeline" | "analyst" = "pipeline"): Promise<QueryEngine> {
  switch (config.kind) {
    case "duckdb":
      // DuckDB reads local files only; HDFS tables need Trino/Presto.
      if (storage.kind !== "local") throw new ConfigError("QUERY_ENGINE=duckdb needs STORAGE=local", "QUERY_ENGINE");
      return DuckDbEngine.open();
    case "trino":
    case "presto": {
      const login = as === "analyst" ? config.analyst : { user: config.user, password: config.password };
      return new PrestoEngine({ kind: config.kind, url: config.prestoUrl, catalog: config.catalog, schema: config.schema, ca: config.ca, ...login });
    }
  }
}
