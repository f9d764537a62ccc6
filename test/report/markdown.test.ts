import { test } from "node:test";
import assert from "node:assert/strict";
import { formatCell, markdownTable, percent } from "../../src/report/markdown";

const result = {
  columns: [{ name: "item", type: "varchar" }, { name: "revenue", type: "bigint" }, { name: "share", type: "double" }],
  rows: [
    { item: "sabre", revenue: 12, share: 0.12345 },
    { item: "a|b", revenue: 3, share: null },
  ],
};

test("renders a header, right-aligned numeric columns and escaped cells", () => {
  assert.equal(markdownTable(result), [
    "| item | revenue | share |",
    "| --- | ---: | ---: |",
    "| sabre | 12 | 0.123 |",
    "| a\\|b | 3 |  |",
  ].join("\n"));
});

test("applies per-column formats and summarises rows beyond maxRows", () => {
  const text = markdownTable(result, { maxRows: 1, formats: { share: percent } });
  assert.ok(text.includes("| sabre | 12 | 12.3% |"));
  assert.ok(text.endsWith("_(1 more rows of 2)_"));
});

test("an empty result still renders its header and says so", () => {
  const text = markdownTable({ columns: result.columns, rows: [] });
  assert.ok(text.startsWith("| item | revenue | share |"));
  assert.ok(text.endsWith("_(no rows)_"));
});

test("formats integers, fractions, nulls and dates", () => {
  assert.deepEqual([formatCell(3), formatCell(2.5), formatCell(null), formatCell(new Date(0)), formatCell(10n)], ["3", "2.5", "", "1970-01-01T00:00:00.000Z", "10"]);
});

test("cuts long cells with an ellipsis", () => {
  const text = markdownTable({ columns: [{ name: "raw_event", type: "varchar" }], rows: [{ raw_event: "x".repeat(100) }] }, { maxCellChars: 10 });
  assert.ok(text.endsWith(`| ${"x".repeat(9)}… |`));
});
