/**
 * Query results into Danfo dataframes. `danfojs` (the browser build, which also runs under
 * Node) rather than `danfojs-node`, which cannot install here: it downloads a TensorFlow
 * binary and an xlsx tarball from outside the npm registry. Danfo's sortValues is quadratic
 * (minutes on 1e6 rows), so results arrive sorted from SQL and are never sorted here.
 */
import type { QueryResult } from "../query/engine";

type Danfo = typeof import("danfojs");
export type DataFrame = InstanceType<Danfo["DataFrame"]>;

let danfo: Danfo | undefined;

/** Loads danfojs on first use (it pulls in tfjs: about 2 s of CPU). */
export function loadDanfo(): Danfo {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  danfo ??= require("danfojs") as Danfo;
  return danfo;
}

/** A dataframe with the result's columns, in order (an empty result gives an empty frame with those columns). */
export function toDataFrame(result: QueryResult): DataFrame {
  const dfd = loadDanfo();
  const columns = result.columns.map((c) => c.name);
  if (result.rows.length === 0) return new dfd.DataFrame([], { columns });
  return new dfd.DataFrame(result.rows.map((row) => columns.map((c) => row[c] ?? null)), { columns });
}

/** Back from a dataframe to the engine-neutral shape (for markdown tables and charts); index kept as a column when asked. */
export function fromDataFrame(df: DataFrame, options: { indexAs?: string } = {}): QueryResult {
  const names = df.columns as string[];
  const values = df.values as unknown[][];
  const index = df.index as unknown[];
  const withIndex = options.indexAs !== undefined;
  const dtypes = df.dtypes as string[];
  const columns = names.map((name, i) => ({ name, type: dtypes[i] === "string" ? "varchar" : dtypes[i] === "int32" ? "bigint" : "double" }));
  if (withIndex) columns.unshift({ name: options.indexAs as string, type: "varchar" });
  const rows = values.map((row, r) => {
    const out: Record<string, unknown> = withIndex ? { [options.indexAs as string]: index[r] } : {};
    names.forEach((name, i) => (out[name] = row[i]));
    return out;
  });
  return { columns, rows };
}
