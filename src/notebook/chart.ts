/**
 * Vega-Lite specs as notebook outputs: a MIME bundle holding the spec for JupyterLab's built-in
 * renderer (interactive) and an SVG rendered here in Node (what nbconvert's markdown export keeps;
 * it drops Vega-Lite outputs).
 *
 * JupyterLab 4 renders `application/vnd.vegalite.v5+json` (also v3 and v4) with the vega-lite 5
 * its @jupyterlab/vega5-extension bundles; it has no v6 renderer, so the spec goes out under the
 * v5 MIME type and `$schema`. The SVG comes from the project's vega-lite 6: write specs in what
 * both read (marks, encodings, layers, transforms, params).
 */
export type ChartSpec = Record<string, unknown> & { data?: { values: readonly object[] } | Record<string, unknown> };

/** The MIME type JupyterLab 4's Vega renderer takes for Vega-Lite. */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";
export const VEGA_LITE_V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
/** Font of every chart: Debian's fonts-dejavu-core, so the SVG looks the same everywhere. */
export const CHART_FONT = "DejaVu Sans";

/** The look every chart shares unless its spec says otherwise (sizes chosen for the write-up). */
const DEFAULT_CONFIG = {
  font: CHART_FONT,
  title: { fontSize: 15, subtitleFontSize: 12, anchor: "start" },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 220 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 280 },
  view: { stroke: null },
  background: "white",
};

const COMPOSITIONS = ["mark", "layer", "hconcat", "vconcat", "concat", "facet", "repeat"];

/** True for an object shaped like a Vega-Lite view or composition. */
export function isChartSpec(x: unknown): x is ChartSpec {
  return typeof x === "object" && x !== null && !Array.isArray(x) && COMPOSITIONS.some((k) => k in x);
}

/** The spec with the shared defaults filled in (its own settings win), as JupyterLab receives it. */
export function withDefaults(spec: ChartSpec): ChartSpec {
  const config = { ...DEFAULT_CONFIG, ...(spec.config as object | undefined) };
  const single = !["hconcat", "vconcat", "concat", "facet", "repeat"].some((k) => k in spec);
  return { $schema: VEGA_LITE_V5_SCHEMA, ...(single ? { width: 560, height: 280 } : {}), ...spec, config };
}

const loadVega = () => Promise.all([import("vega"), import("vega-lite")]);
let modules: ReturnType<typeof loadVega> | undefined;

/**
 * Compiles a Vega-Lite spec and renders it to a standalone SVG document (no canvas needed).
 * vega 6 and vega-lite 6 are ESM-only with top-level await: loaded with import(), which module
 * "node16" keeps in the CommonJS output (a tslab cell, compiled to CommonJS, could not).
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  modules ??= loadVega();
  const [vega, vegaLite] = await modules;
  // Both libraries warn on the console by default; in a notebook that is stderr noise.
  const compiled = vegaLite.compile(withDefaults(spec) as unknown as Parameters<typeof vegaLite.compile>[0], { logger: vega.logger(vega.None) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The MIME bundle of a chart: Vega-Lite for JupyterLab, SVG for exports, a line of text for the rest. */
export async function chartBundle(spec: ChartSpec): Promise<Record<string, unknown>> {
  const full = withDefaults(spec);
  const title = typeof full.title === "string" ? full.title : ((full.title as { text?: string } | undefined)?.text ?? "chart");
  // JSON round trip: Dates become ISO strings (Vega-Lite parses them as temporal) and the
  // message holds plain data only.
  return {
    [VEGA_LITE_MIME]: JSON.parse(JSON.stringify(full)) as unknown,
    "image/svg+xml": await renderSvg(spec),
    "text/plain": `[Vega-Lite chart: ${title}]`,
  };
}
