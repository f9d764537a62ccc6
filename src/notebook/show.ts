/**
 * One way to show anything a cell produces: a dataframe as a table, a Vega-Lite spec as a chart
 * (interactive in JupyterLab, SVG in the export), a string as markdown.
 */
import { SqlFile } from "./connect";
import { chartBundle, isChartSpec, type ChartSpec } from "./chart";
import { asFrame, isFrame, rows, type DataFrame, type Series } from "./frame";
import { markdownTable, type TableOptions } from "./markdown";
import { publish } from "./publish";

export type ShowOptions = TableOptions;

/** Right-aligned and formatted as numbers: columns whose values are all numbers (or empty). */
const numericColumn = (data: readonly Record<string, unknown>[], name: string) =>
  data.some((r) => typeof r[name] === "number") && data.every((r) => r[name] === null || r[name] === undefined || typeof r[name] === "number");

function table(names: readonly string[], data: readonly Record<string, unknown>[], options: ShowOptions): string {
  const columns = names.map((name) => ({ name, numeric: numericColumn(data, name) }));
  return markdownTable(columns, data, { ...options, more: (total) => `to see them all, \`show(…, { rows: ${total} })\`, or run the cell's query in any SQL client` });
}

/** A frame as a markdown table (a labelled index, as describe() gives, as the first column). */
export function frameMarkdown(frame: DataFrame | Series, options: ShowOptions = {}): string {
  const df = asFrame(frame);
  const data = rows(df, "");
  const names = df.columns;
  return table(data.length > 0 && "" in data[0] ? ["", ...names] : names, data, options);
}

/** Plain objects as a markdown table, columns in the order of the first object's keys. */
export function objectsMarkdown(objects: readonly Record<string, unknown>[], options: ShowOptions = {}): string {
  return table([...new Set(objects.flatMap((o) => Object.keys(o)))], objects, options);
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
