import { test } from "node:test";
import assert from "node:assert/strict";
import { itemRevenueChart, renderPng, renderSvg, revenueOverTimeChart } from "../../src/report/charts";

const items = [
  { item: "master_sword", kind: "sword" as const, purchases: 2, revenue: 154, revenue_share: 0.7 },
  { item: "buckler", kind: "shield" as const, purchases: 11, revenue: 66, revenue_share: 0.3 },
];

test("renders a chart to an SVG document with its title, axis titles and labels", async () => {
  const svg = await renderSvg(itemRevenueChart(items));
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  for (const text of ["Revenue share by item", "Revenue (gold)", "Item", "master_sword", "buckler", "70.0%", "Kind"]) {
    assert.ok(svg.includes(`>${text}<`), `SVG lacks the text ${text}`);
  }
});

test("renders a layered time chart with both axis titles", async () => {
  const svg = await renderSvg(revenueOverTimeChart([
    { bucket: "2026-11-27T18:00:00.000Z", purchases: 2, revenue: 16, cumulative_revenue: 16 },
    { bucket: "2026-11-27T18:00:01.000Z", purchases: 1, revenue: 6, cumulative_revenue: 22 },
  ], "second"));
  assert.ok(svg.includes(">Revenue per second (gold)<"));
  assert.ok(svg.includes(">Running total (gold)<"));
});

test("renders PNG bytes", async () => {
  const png = await renderPng(itemRevenueChart(items), 1);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.length > 2000);
});

test("time axes are labelled in UTC clock time", async () => {
  const svg = await renderSvg(revenueOverTimeChart([
    { bucket: "2026-11-27T19:52:00.000Z", purchases: 2, revenue: 16, cumulative_revenue: 16 },
    { bucket: "2026-11-27T19:52:30.000Z", purchases: 1, revenue: 6, cumulative_revenue: 22 },
  ], "second"));
  assert.ok(svg.includes(">19:52:00<"));
});
