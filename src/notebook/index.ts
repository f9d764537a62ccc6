/**
 * The notebook toolkit: what every analysis cell would otherwise repeat. Connect to the run's SQL
 * engine, run SQL into a Danfo dataframe, show a frame, a Vega-Lite spec or markdown, check
 * answers against the ground truth. Nothing here answers a particular question: the notebooks do.
 */
export { connect, SqlFile } from "./connect";
export type { Connection } from "./connect";
export { show, frameMarkdown } from "./show";
export type { ShowOptions } from "./show";
export { toFrame, rows, loadDanfo, isFrame } from "./frame";
export type { DataFrame, Series } from "./frame";
export { chartBundle, renderSvg, isChartSpec, withDefaults, VEGA_LITE_MIME, CHART_FONT } from "./chart";
export type { ChartSpec } from "./chart";
export { percent, formatCell, markdownTable } from "./markdown";
export type { TableColumn, TableOptions } from "./markdown";
export { compare, countsOf, describeCounts, showChecks } from "./checks";
export type { Check, Counts } from "./checks";
export { notebookConfig, notebookLogger, notebookLogFile, PROJECT_ROOT } from "./config";
export { publish, setPublisher } from "./publish";
export type { MimeBundle, Publisher } from "./publish";
