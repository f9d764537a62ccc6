/**
 * Query results as Danfo dataframes. `danfojs` (the browser build, which also runs under Node)
 * rather than `danfojs-node`, which cannot install here: it downloads a TensorFlow binary and an
 * xlsx tarball from outside the npm registry. Danfo's sortValues is quadratic (minutes on 1e6
 * rows): sort in SQL.
 */
import type { QueryResult } from "../query";

type Danfo = typeof import("danfojs");
export type DataFrame = InstanceType<Danfo["DataFrame"]>;
export type Series = InstanceType<Danfo["Series"]>;

let danfo: Danfo | undefined;

/** danfojs, loaded on first use (it pulls in tfjs: about 2 s of CPU). */
export function loadDanfo(): Danfo {
  if (danfo) return danfo;
  danfo = require("danfojs") as Danfo;
  // tfjs's CPU backend prints a banner to stderr on its first use, urging tfjs-node (which
  // downloads a native binary from outside the registries); in a notebook that lands in a cell.
  const backend = (danfo.tensorflow as { backend(): { firstUse?: boolean } }).backend();
  backend.firstUse = false;
  return danfo;
}

const isTimestamp = (type: string) => /^(timestamp|date)/.test(type);
const isNumeric = (type: string) => /^(tinyint|smallint|integer|int|bigint|hugeint|ubigint|uinteger|double|real|float|decimal)/.test(type);

/** A timestamp as the engines give it (ISO text; UTC when it names no zone, as Trino's) as a Date. */
function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(" ", "T")}Z`);
}

/** One value as the frame holds it: timestamps as Dates, numbers (also 64-bit counts) as numbers. */
function cellValue(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (isTimestamp(type)) return toDate(value);
  if (isNumeric(type)) return Number(value);
  return value;
}

/** A dataframe with the result's columns in order (an empty result gives an empty frame with them). */
export function toFrame(result: QueryResult): DataFrame {
  const dfd = loadDanfo();
  const columns = result.columns.map((c) => c.name);
  if (result.rows.length === 0) return new dfd.DataFrame([], { columns });
  const rows = result.rows.map((row) => result.columns.map((c) => cellValue(row[c.name], c.type)));
  return new dfd.DataFrame(rows, { columns });
}

/**
 * The frame's rows as plain objects, keyed by column (for Vega-Lite's `data.values`). A labelled
 * index (describe(), a group-by) comes first, under `indexAs` (default "index").
 */
export function rows(frame: DataFrame | Series, indexAs = "index"): Record<string, unknown>[] {
  const df = asFrame(frame);
  const names = df.columns;
  const index = df.index as unknown[];
  const labelled = index.some((label, i) => label !== i);
  return (df.values as unknown[][]).map((row, r) => ({
    ...(labelled ? { [indexAs]: index[r] } : {}),
    ...Object.fromEntries(names.map((name, i) => [name, row[i]])),
  }));
}

/**
 * True for a Danfo DataFrame or Series. Not `instanceof`: danfojs builds group-by results with a
 * second copy of its classes, so a frame from `groupby().agg()` is no `dfd.DataFrame`.
 */
export function isFrame(x: unknown): x is DataFrame | Series {
  if (typeof x !== "object" || x === null) return false;
  const f = x as { ndim?: unknown; columns?: unknown; values?: unknown; dtypes?: unknown };
  return (f.ndim === 1 || f.ndim === 2) && Array.isArray(f.columns) && Array.isArray(f.values) && Array.isArray(f.dtypes);
}

/** A Series as a one-column frame (named after the series); a frame as it is. */
export function asFrame(x: DataFrame | Series): DataFrame {
  const dfd = loadDanfo();
  if ((x as { ndim: number }).ndim === 1) {
    const name = x.columns[0] ?? "value";
    return new dfd.DataFrame({ [name]: x.values as unknown[] }, { index: x.index });
  }
  return x as DataFrame;
}
