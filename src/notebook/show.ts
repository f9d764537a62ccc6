/**
 * One way to show anything a cell produces: a dataframe as a table, a Vega-Lite spec as a chart
 * (interactive in JupyterLab, SVG in the export), a string as markdown.
 */
import { SqlFile } from "./connect";
import { chartBundle, isChartSpec, type ChartSpec } from "./chart";
import { isFrame, rows, toDataFrameLike, type DataFrame, type Series } from "./frame";
import { markdownTable, type TableOptions } from "./markdown";
import { publish } from "./publish";

export type ShowOptions = TableOptions;

/** A frame as a markdown table (a labelled index, as describe() gives, as the first column). */
export function frameMarkdown(frame: DataFrame | Series, options: ShowOptions = {}): string {
  const df = toDataFrameLike(frame);
  const dtypes = df.dtypes as string[];
  const columns = (df.columns as string[]).map((name, i) => ({ name, numeric: dtypes[i] === "int32" || dtypes[i] === "float32" }));
  const data = rows(df, "");
  if (data.length > 0 && "" in data[0]) columns.unshift({ name: "", numeric: false });
  return markdownTable(columns, data, { ...options, more: (total) => `pass \`{ rows: ${total} }\` to \`show\` to see them all` });
}

/** Plain objects as a markdown table, columns in the order of the first object's keys. */
export function objectsMarkdown(objects: readonly Record<string, unknown>[], options: ShowOptions = {}): string {
  const names = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const columns = names.map((name) => ({ name, numeric: objects.every((o) => o[name] === null || o[name] === undefined || typeof o[name] === "number") }));
  return markdownTable(columns, objects, { ...options, more: (total) => `pass \`{ rows: ${total} }\` to \`show\` to see them all` });
}

/**
 * Shows a dataframe, series or array of objects (table; `options.rows` rows, default 20), a Vega-Lite spec (chart)
 * a SQL file (its text, under its name) or a string (markdown). Await it: a chart is rendered before it is shown.
 */
export async function show(x: DataFrame | Series | ChartSpec | SqlFile | readonly Record<string, unknown>[] | string, options: ShowOptions = {}): Promise<void> {
  if (typeof x === "string") return publish({ "text/markdown": x });
  if (Array.isArray(x)) return publish({ "text/markdown": objectsMarkdown(x, options) });
  if (x instanceof SqlFile) return publish({ "text/markdown": `\`${x.file}\`:\n\n\`\`\`sql\n${x.text}\n\`\`\`` });
  if (isFrame(x)) return publish({ "text/markdown": frameMarkdown(x, options) });
  if (isChartSpec(x)) return publish(await chartBundle(x));
  publish({ "text/plain": String(JSON.stringify(x)) });
}
