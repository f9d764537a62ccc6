import { test } from "node:test";
import assert from "node:assert/strict";
import { formatCell, markdownTable, percent } from "../../src/notebook/markdown";

const columns = [{ name: "item", numeric: false }, { name: "revenue", numeric: true }, { name: "share", numeric: true }];
const rows = [
  { item: "sabre", revenue: 12, share: 0.12345 },
  { item: "a|b", revenue: 3, share: null },
];

test("renders a header, right-aligned numeric columns and escaped cells", () => {
  assert.equal(markdownTable(columns, rows), [
    "| item | revenue | share |",
    "| --- | ---: | ---: |",
    "| sabre | 12 | 0.123 |",
    "| a\\|b | 3 |  |",
  ].join("\n"));
});

test("applies per-column formats, and says how many rows are hidden and how to see them", () => {
  const text = markdownTable(columns, rows, { rows: 1, formats: { share: percent }, more: (total) => `ask for ${total}` });
  assert.ok(text.includes("| sabre | 12 | 12.3% |"));
  assert.ok(!text.includes("a\\|b"));
  assert.ok(text.endsWith("_1 of 2 rows shown, 1 hidden; ask for 2._"), text);
});

test("an empty result still renders its header and says so", () => {
  const text = markdownTable(columns, []);
  assert.ok(text.startsWith("| item | revenue | share |"));
  assert.ok(text.endsWith("_(no rows)_"));
});

test("formats integers, fractions, nulls, dates and big integers", () => {
  assert.deepEqual(
    [formatCell(3), formatCell(2.5), formatCell(null), formatCell(new Date(0)), formatCell(new Date(1500)), formatCell(10n)],
    ["3", "2.5", "", "1970-01-01 00:00:00", "1970-01-01 00:00:01.500", "10"],
  );
});

test("cuts long cells with an ellipsis", () => {
  const text = markdownTable([{ name: "raw_event", numeric: false }], [{ raw_event: "x".repeat(100) }], { maxCellChars: 10 });
  assert.ok(text.endsWith(`| ${"x".repeat(9)}… |`));
});
