/**
 * Entry points of the notebooks. tslab compiles cells with its own TypeScript to CommonJS and
 * ignores tsconfig.json, so the notebooks require() this BUILT module (dist/src/report/notebook.js)
 * and each cell calls one method of the object returned here.
 */
import * as path from "node:path";
import { loadConfig, type Config } from "../config";
import { createLogger, type Logger } from "../logger";
import { AnalysisNotebook } from "./analysis-notebook";
import type { Display } from "./display";
import { explained } from "./explain";
import { PipelineNotebook } from "./pipeline-notebook";

/** The checkout's top folder (the kernel runs in notebooks/, relative settings mean the top). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..", "..");

/** Configuration as the notebooks see it: the environment, relative paths from the project root. */
export function notebookConfig(): Config {
  return loadConfig(undefined, PROJECT_ROOT);
}

/** Logs go to the kernel's stderr (not into the report); only warnings and errors by default. */
function notebookLogger(config: Config): Logger {
  return createLogger({ level: config.logLevel === "debug" ? "debug" : "warn", ns: "notebook" });
}

/** Opens notebooks/02-analysis.ipynb's session over the tables of the last pipeline run. */
export async function openAnalysis(display: Display, config: Config = notebookConfig()): Promise<AnalysisNotebook> {
  return explained(await AnalysisNotebook.open(display, config, notebookLogger(config)));
}

/** Opens notebooks/01-pipeline.ipynb's session on the stack PIPELINE_STACK names. */
export async function openPipeline(display: Display, config: Config = notebookConfig()): Promise<PipelineNotebook> {
  return explained(await PipelineNotebook.open(display, config, notebookLogger(config), PROJECT_ROOT));
}
