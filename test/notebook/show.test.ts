import { after, test } from "node:test";
import assert from "node:assert/strict";
import { SqlFile } from "../../src/notebook/connect";
import { VEGA_LITE_MIME } from "../../src/notebook/chart";
import { toFrame } from "../../src/notebook/frame";
import { setPublisher, type MimeBundle } from "../../src/notebook/publish";
import { show } from "../../src/notebook/show";

const shown: MimeBundle[] = [];
const previous = setPublisher((bundle) => shown.push(bundle));
after(() => setPublisher(previous));
const last = () => shown[shown.length - 1];

const items = toFrame({
  columns: [{ name: "item", type: "varchar" }, { name: "purchases", type: "bigint" }],
  rows: Array.from({ length: 25 }, (_, i) => ({ item: `item${i}`, purchases: 100 - i })),
});

test("a string is shown as markdown", async () => {
  await show("**42** players");
  assert.deepEqual(last(), { "text/markdown": "**42** players" });
});

test("a frame is shown as a markdown table of 20 rows that says how many are hidden and how to see them", async () => {
  await show(items);
  const md = String(last()["text/markdown"]);
  assert.match(md, /^\| item \| purchases \|\n\| --- \| ---: \|\n\| item0 \| 100 \|/);
  assert.ok(md.includes("| item19 | 81 |") && !md.includes("| item20 |"));
  assert.match(md, /_20 of 25 rows shown, 5 hidden; to see them all, `show\(…, \{ rows: 25 \}\)`, or run the cell's query in any SQL client._$/);
  await show(items, { rows: 25 });
  assert.ok(String(last()["text/markdown"]).endsWith("| item24 | 76 |"));
});

test("plain objects are shown as a table too", async () => {
  await show([{ status: "200", requests: 5 }, { status: "404", requests: 1 }]);
  assert.equal(last()["text/markdown"], "| status | requests |\n| --- | ---: |\n| 200 | 5 |\n| 404 | 1 |");
});

test("a SQL file is shown under its name as a SQL code block", async () => {
  await show(new SqlFile("queries/reference/09-guild-events.sql", "select count(*) as num_events from guilds;"));
  assert.equal(last()["text/markdown"], "`queries/reference/09-guild-events.sql`:\n\n```sql\nselect count(*) as num_events from guilds;\n```");
});

test("a Vega-Lite spec is shown as one bundle: the spec for JupyterLab (v5) and an SVG drawn in Node", async () => {
  await show({
    title: { text: "Most purchased items" },
    data: { values: [{ item: "sabre", purchases: 3, at: new Date("2026-11-27T18:00:00Z") }, { item: "katana", purchases: 5, at: new Date("2026-11-27T18:01:00Z") }] },
    mark: { type: "bar", color: "#ab12cd" },
    encoding: { y: { field: "item", type: "nominal" }, x: { field: "purchases", type: "quantitative" } },
  });
  const bundle = last();
  assert.deepEqual(Object.keys(bundle).sort(), [VEGA_LITE_MIME, "image/svg+xml", "text/plain"].sort());
  assert.equal(VEGA_LITE_MIME, "application/vnd.vegalite.v5+json");
  const spec = bundle[VEGA_LITE_MIME] as Record<string, unknown> & { data: { values: { at: unknown }[] }; config: { font: string } };
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  assert.equal(spec.config.font, "DejaVu Sans");
  assert.equal(spec.data.values[0].at, "2026-11-27T18:00:00.000Z", "dates travel as ISO strings");
  const svg = String(bundle["image/svg+xml"]);
  assert.match(svg, /^<svg/);
  assert.equal((svg.match(/fill="#ab12cd"/g) ?? []).length, 2, "one bar per row, in the spec's colour");
  assert.match(svg, /Most purchased items/);
  assert.equal(bundle["text/plain"], "[Vega-Lite chart: Most purchased items]");
});

test("a spec's own settings win over the shared defaults", async () => {
  await show({ width: 100, config: { font: "Serif" }, data: { values: [{ a: 1 }] }, mark: "point", encoding: { x: { field: "a", type: "quantitative" } } });
  const spec = last()[VEGA_LITE_MIME] as { width: number; height: number; config: { font: string; background: string } };
  assert.deepEqual([spec.width, spec.height, spec.config.font, spec.config.background], [100, 280, "Serif", "white"]);
});

test("only columns holding numbers are right-aligned (danfojs calls a column of empty strings float32)", async () => {
  await show(toFrame({ columns: [{ name: "Column", type: "varchar" }, { name: "Comment", type: "varchar" }], rows: [{ Column: "dt", Comment: "" }] }));
  assert.equal(last()["text/markdown"], "| Column | Comment |\n| --- | --- |\n| dt |  |");
});
