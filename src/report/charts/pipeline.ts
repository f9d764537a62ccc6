/** Pipeline-health charts: refused actions and freshness. */
import type { FreshnessBucket, RejectedRow } from "../analysis";
import { chart, TIME_FORMAT, type VegaLiteSpec } from "./spec";

/** Share of each action's events by outcome and reason (stacked to 100%). */
export function rejectionChart(rows: readonly RejectedRow[]): VegaLiteSpec {
  const values = rows.map((r) => ({ ...r, label: r.outcome === "ok" ? "ok" : `rejected: ${r.reason}` }));
  return chart("Refused actions", "Share of each action's events the game refused, by reason", values, {
    height: 200,
    mark: "bar",
    encoding: {
      y: { field: "event_type", type: "nominal", title: "Action" },
      x: { field: "events", type: "quantitative", stack: "normalize", title: "Share of events", axis: { format: "%" } },
      color: { field: "label", type: "nominal", title: "Outcome", scale: { scheme: "tableau10" } },
      order: { field: "label", sort: "ascending" },
    },
  });
}

/** Delay from the API accepting an event to the sink reading it, per bucket of event time (log scale). */
export function freshnessChart(rows: readonly FreshnessBucket[], unit: string): VegaLiteSpec {
  const values = rows.flatMap((r) => [
    { bucket: r.bucket, delay_ms: Math.max(1, Number(r.mean_ms)), series: "mean" },
    { bucket: r.bucket, delay_ms: Math.max(1, Number(r.max_ms)), series: "max" },
  ]);
  return chart("Pipeline freshness", `Delay from API (timestamp) to sink (ingested_at), per ${unit} of event time`, values, {
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "bucket", type: "temporal", title: "Event time (UTC)", axis: { labelAngle: -30, format: TIME_FORMAT, tickCount: 10 }, scale: { type: "utc" } },
      y: { field: "delay_ms", type: "quantitative", title: "Delay (ms, log scale)", scale: { type: "log" } },
      color: { field: "series", type: "nominal", title: "Delay", scale: { domain: ["mean", "max"], range: ["#4c78a8", "#e45756"] } },
    },
  });
}
