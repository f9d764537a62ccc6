/**
 * The shape of the Vega-Lite specs the chart functions return: plain JSON, so the chart
 * functions stay pure and testable without loading vega (which is ESM-only).
 */
export type Row = Record<string, unknown>;

export interface VegaLiteSpec {
  $schema: string;
  title: { text: string; subtitle?: string };
  data: { values: Row[] };
  [key: string]: unknown;
}

export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Shared look: sizes, fonts and label limits chosen so labels stay readable in the report. */
export const BASE_CONFIG = {
  font: "DejaVu Sans",
  title: { fontSize: 15, subtitleFontSize: 12, anchor: "start" },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 220 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 280 },
  view: { stroke: null },
  background: "white",
} as const;

/** Wraps marks and encodings with the schema, title, data and shared config. */
export function chart(title: string, subtitle: string | undefined, values: readonly object[], body: Record<string, unknown>): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: subtitle ? { text: title, subtitle } : { text: title },
    width: 560,
    height: 280,
    data: { values: values as Row[] },
    config: BASE_CONFIG,
    ...body,
  };
}

/** Tick labels of event-time axes: 24-hour UTC clock time (the runs span minutes, not days). */
export const TIME_FORMAT = "%H:%M:%S";
