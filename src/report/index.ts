/** The report stage: analysis queries, Danfo frames, chart specs and rendering, markdown tables, truth checks. */
export * as analysis from "./analysis";
export { analysisSql, chooseTimeUnit, fillSql, queriesDir } from "./sql";
export type { TimeUnit } from "./sql";
export { markdownTable, formatCell, percent } from "./markdown";
export type { TableOptions } from "./markdown";
export { toDataFrame, fromDataFrame, loadDanfo } from "./frame";
export { checkAgainstTruth, assertChecks, describeCounts } from "./truth";
export type { Answers, Check, TruthFacts } from "./truth";
export { ReportError } from "./errors";
