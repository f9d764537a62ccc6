import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../src/config";
import type { AnalysisNotebook } from "../../src/report/analysis-notebook";
import { recordingDisplay } from "../../src/report/display";
import { openAnalysis } from "../../src/report/notebook";
import { writeRunRecord } from "../../src/report/run-record";
import { makeFixture, writeWarehouse } from "./fixture";

const display = recordingDisplay();
const fixture = makeFixture(800, 11);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "analysis-nb-"));
let nb: AnalysisNotebook;

before(async () => {
  await writeWarehouse(fixture, path.join(dataDir, "warehouse"));
  writeRunRecord(dataDir, {
    stack: "embedded", transport: "embedded", storage: "local", query: "duckdb",
    startedAt: "2026-11-27T18:00:00.000Z", finishedAt: "2026-11-27T18:03:00.000Z",
    loads: [{ scenario: "fixture", requests: 800, seed: 11, players: 40, requestsPerSec: 0, exact: true }],
    truth: fixture.truth,
  });
  nb = await openAnalysis(display, loadConfig({ DATA_DIR: dataDir }, dataDir));
});
after(async () => {
  await nb?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const lastShown = (n: number) => display.shown.slice(-n);

test("the data cell names the stack and counts the rows of every table", async () => {
  await nb.describeData();
  const [md] = lastShown(1);
  assert.match(md.content, /Stack: \*\*embedded\*\*/);
  assert.match(md.content, new RegExp(`\\| events \\| ${fixture.truth.tables.events} \\|`));
});

test("every chart cell shows an SVG with its title, on DuckDB over the Parquet layout the sink writes", async () => {
  const cells: [() => Promise<void>, string][] = [
    [() => nb.revenueOverTime(), "Revenue over time"],
    [() => nb.itemRevenue(), "Revenue share by item"],
    [() => nb.itemPopularity(), "Most purchased items"],
    [() => nb.spendDistribution(), "Spend per player"],
    [() => nb.spendConcentration(), "Revenue concentration"],
    [() => nb.guildMembership(), "Guild membership over time"],
    [() => nb.currentGuildMembers(), "Guilds by current members"],
    [() => nb.rejectedActions(), "Refused actions"],
    [() => nb.freshness(), "Pipeline freshness"],
  ];
  for (const [cell, title] of cells) {
    const before = display.shown.length;
    await cell();
    const svgs = display.shown.slice(before).filter((s) => s.kind === "svg");
    assert.equal(svgs.length, 1, title);
    assert.ok(svgs[0].content.includes(`>${title}<`), `chart titled ${title}`);
  }
});

test("the Danfo summary counts every player", async () => {
  await nb.spendDistribution();
  const md = display.shown.at(-2)?.content ?? "";
  assert.match(md, /Danfo `describe\(\)` over 40 players/);
  assert.match(md, /\| count \| 40 \| 40 \|/);
});

test("the ground-truth cell agrees on every question", async () => {
  await nb.checkGroundTruth();
  const checks = nb.checks;
  assert.ok(checks.length >= 16);
  assert.ok(checks.some((c) => c.question.startsWith("Reference 06")));
  assert.ok(checks.every((c) => c.ok));
  assert.doesNotMatch(display.shown.at(-1)?.content ?? "", /\*\*NO\*\*/);
});

test("each reference query cell shows the question, the SQL this engine runs and the answer", async () => {
  for (const id of ["01", "04", "07", "11", "13"]) {
    await nb.referenceQuery(id);
    const md = display.shown.at(-1)?.content ?? "";
    assert.match(md, /^\*\*.+\?.*\*\* \(`queries\/reference(-duckdb)?\/\d\d-[a-z-]+\.sql`\)/);
    assert.match(md, /```sql\n[\s\S]+\n```/);
  }
  await nb.referenceQuery("07");
  const md = display.shown.at(-1)?.content ?? "";
  const [top, count] = Object.entries(fixture.truth.items).sort((x, y) => y[1].purchases - x[1].purchases)[0];
  assert.ok(md.includes(`| ${top} | ${count.purchases} |`), "most purchased item first");
  await assert.rejects(nb.referenceQuery("14"), /no reference query 14/);
});
