/** Revenue charts: over time, and per item. */
import type { ItemRow, RevenueBucket } from "../analysis";
import { chart, TIME_FORMAT, type VegaLiteSpec } from "./spec";

/** Revenue per time bucket (bars) with the running total (line) on a second axis. */
export function revenueOverTimeChart(rows: readonly RevenueBucket[], unit: string): VegaLiteSpec {
  const x = { field: "bucket", type: "temporal", title: `Event time (UTC, per ${unit})`, axis: { labelAngle: -30, format: TIME_FORMAT, tickCount: 10 }, scale: { type: "utc" } };
  return chart("Revenue over time", `Completed purchases; bars: revenue per ${unit}, line: running total`, [...rows], {
    layer: [
      {
        mark: { type: "bar", color: "#4c78a8" },
        encoding: { x, y: { field: "revenue", type: "quantitative", title: `Revenue per ${unit} (gold)` } },
      },
      {
        mark: { type: "line", color: "#e45756", strokeWidth: 2 },
        encoding: { x, y: { field: "cumulative_revenue", type: "quantitative", title: "Running total (gold)" } },
      },
    ],
    resolve: { scale: { y: "independent" } },
  });
}

/** Revenue per item, largest first, coloured by kind, labelled with its share of all revenue. */
export function itemRevenueChart(rows: readonly ItemRow[]): VegaLiteSpec {
  const values = rows.map((r) => ({ ...r, share_label: `${(Number(r.revenue_share) * 100).toFixed(1)}%` }));
  // Rows arrive sorted by revenue from SQL; `sort: null` keeps that order in both layers
  // (vega-lite drops a "-x" sort on layers whose domains it unions).
  const y = { field: "item", type: "nominal", title: "Item", sort: null };
  return chart("Revenue share by item", "Total gold spent per item; label: share of all revenue", values, {
    height: Math.max(200, values.length * 18),
    layer: [
      {
        mark: "bar",
        encoding: {
          y,
          x: { field: "revenue", type: "quantitative", title: "Revenue (gold)" },
          color: { field: "kind", type: "nominal", title: "Kind", scale: { domain: ["sword", "shield"], range: ["#4c78a8", "#f58518"] } },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 3, fontSize: 10 },
        encoding: { y, x: { field: "revenue", type: "quantitative" }, text: { field: "share_label" } },
      },
    ],
  });
}

/** Number of purchases per item: what players buy most. */
export function itemPopularityChart(rows: readonly ItemRow[]): VegaLiteSpec {
  return chart("Most purchased items", "Completed purchases per item", [...rows], {
    height: Math.max(200, rows.length * 18),
    mark: "bar",
    encoding: {
      y: { field: "item", type: "nominal", title: "Item", sort: "-x" },
      x: { field: "purchases", type: "quantitative", title: "Purchases" },
      color: { field: "kind", type: "nominal", title: "Kind", scale: { domain: ["sword", "shield"], range: ["#4c78a8", "#f58518"] } },
    },
  });
}
