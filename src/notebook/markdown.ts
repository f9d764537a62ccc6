/**
 * Markdown tables: what `show` displays for a dataframe, and what nbconvert's markdown export
 * keeps verbatim.
 */

export interface TableColumn {
  name: string;
  /** Right-aligned, formatted as a number. */
  numeric: boolean;
}

export interface TableOptions {
  /** Rows shown; the footer says how many more there are. Default 20. */
  rows?: number;
  /** Per-column formatter, e.g. `{ share: percent }`. */
  formats?: Record<string, (value: unknown) => string>;
  /** Longer cell texts are cut with an ellipsis (raw events are long). Default 72. */
  maxCellChars?: number;
}

/** 0.1234 -> "12.3%". */
export const percent = (value: unknown): string => (value === null || value === undefined ? "" : `${(Number(value) * 100).toFixed(1)}%`);

/** Default cell text: integers as they are, fractions to 3 significant decimals, dates in ISO form, null as empty. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString().replace("T", " ").replace(/\.000Z$|Z$/, "");
  if (typeof value === "string") return value;
  return JSON.stringify(value) ?? ""; // objects as JSON, booleans as true/false
}

/** Escapes what would break a table cell (pipes, newlines). */
const escapeCell = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/**
 * A GitHub-flavoured markdown table, numeric columns right-aligned. When rows are hidden, a
 * footer says how many and `more(total)` says how to see them.
 */
export function markdownTable(columns: readonly TableColumn[], rows: readonly Record<string, unknown>[], options: TableOptions & { more?: (total: number) => string } = {}): string {
  const maxRows = options.rows ?? 20;
  const maxChars = options.maxCellChars ?? 72;
  const cut = (text: string) => (text.length > maxChars ? text.slice(0, maxChars - 1) + "…" : text);
  if (columns.length === 0) return "_(no columns)_";
  const header = `| ${columns.map((c) => escapeCell(c.name)).join(" | ")} |`;
  const rule = `|${columns.map((c) => (c.numeric ? " ---: " : " --- ")).join("|")}|`;
  const shown = rows.slice(0, maxRows).map((row) => {
    const cells = columns.map((c) => escapeCell(cut((options.formats?.[c.name] ?? formatCell)(row[c.name]))));
    return `| ${cells.join(" | ")} |`;
  });
  if (rows.length === 0) return [header, rule, `| ${columns.map(() => "").join(" | ")} |`].join("\n") + "\n\n_(no rows)_";
  const hidden = rows.length - shown.length;
  const footer = hidden > 0 ? `\n\n_${shown.length} of ${rows.length} rows shown, ${hidden} hidden${options.more ? `; ${options.more(rows.length)}` : ""}._` : "";
  return [header, rule, ...shown].join("\n") + footer;
}
