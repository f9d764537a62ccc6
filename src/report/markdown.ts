/**
 * Markdown tables of query results: what the notebooks display and nbconvert's markdown
 * export keeps verbatim.
 */
import type { QueryResult } from "../query/engine";

export interface TableOptions {
  /** Rows shown; the rest is summarised in one line. Default 20. */
  maxRows?: number;
  /** Per-column formatter, e.g. `{ share: percent }`. */
  formats?: Record<string, (value: unknown) => string>;
  /** Longer cell texts are cut with an ellipsis (raw events are long). Default 72. */
  maxCellChars?: number;
}

/** 0.1234 -> "12.3%". */
export const percent = (value: unknown): string => (value === null || value === undefined ? "" : `${(Number(value) * 100).toFixed(1)}%`);

/** Default cell text: integers as they are, fractions to 3 significant decimals, null as empty. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Escapes what would break a table cell (pipes, newlines). */
const escapeCell = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** Renders a query result as a GitHub-flavoured markdown table; numeric columns right-aligned. */
export function markdownTable(result: QueryResult, options: TableOptions = {}): string {
  const maxRows = options.maxRows ?? 20;
  const maxChars = options.maxCellChars ?? 72;
  const cut = (text: string) => (text.length > maxChars ? text.slice(0, maxChars - 1) + "…" : text);
  const names = result.columns.map((c) => c.name);
  if (names.length === 0) return "_(no columns)_";
  const numeric = result.columns.map((c) => /int|double|decimal|real|float|numeric|bigint/.test(c.type));
  const header = `| ${names.map(escapeCell).join(" | ")} |`;
  const rule = `|${numeric.map((n) => (n ? " ---: " : " --- ")).join("|")}|`;
  const shown = result.rows.slice(0, maxRows).map((row) => {
    const cells = names.map((name) => escapeCell(cut((options.formats?.[name] ?? formatCell)(row[name]))));
    return `| ${cells.join(" | ")} |`;
  });
  const lines = [header, rule, ...shown];
  if (result.rows.length === 0) lines.push(`| ${names.map(() => "").join(" | ")} |`);
  const more = result.rows.length - shown.length;
  const footer = result.rows.length === 0 ? "\n\n_(no rows)_" : more > 0 ? `\n\n_(${more} more rows of ${result.rows.length})_` : "";
  return lines.join("\n") + footer;
}
