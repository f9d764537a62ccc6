/**
 * Renders Vega-Lite specs to SVG (and PNG) in Node, without `canvas`.
 * vega 6 and vega-lite 6 are ESM-only with top-level await, so they cannot be require()d:
 * they are loaded with a dynamic import(), which module "node16" keeps as import() in the
 * CommonJS output (a tslab cell could not do this; it calls these functions instead).
 */
import type { VegaLiteSpec } from "./spec";

type VegaModule = typeof import("vega", { with: { "resolution-mode": "import" } });
type VegaLiteModule = typeof import("vega-lite", { with: { "resolution-mode": "import" } });

let modules: Promise<[VegaModule, VegaLiteModule]> | undefined;

function loadVega(): Promise<[VegaModule, VegaLiteModule]> {
  modules ??= Promise.all([import("vega"), import("vega-lite")]);
  return modules;
}

/** Font used for every chart: installed by Debian's fonts-dejavu-core, so PNGs and SVGs agree. */
export const CHART_FONT = "DejaVu Sans";

/** Compiles a Vega-Lite spec and renders it to a standalone SVG document. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vegaLite] = await loadVega();
  // vega-lite warns on console by default; a notebook would show that as stderr noise.
  const logger = vega.logger(vega.None);
  const compiled = vegaLite.compile(spec as unknown as Parameters<VegaLiteModule["compile"]>[0], { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a spec to PNG bytes through resvg (text in DejaVu Sans; resvg ships no fonts of its own choosing). */
export async function renderPng(spec: VegaLiteSpec, scale = 2): Promise<Buffer> {
  const svg = await renderSvg(spec);
  const { Resvg } = await import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: CHART_FONT },
    background: "white",
  });
  return resvg.render().asPng();
}
