/**
 * Configuration and logging as notebook cells use them. The kernel runs in notebooks/, so
 * relative settings (DATA_DIR, ...) are read from the checkout's top folder, as `npm start` does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig, type Config } from "../config";
import { createLogger, formatLine, type Logger } from "../logger";

/** The checkout's top folder (this file is dist/src/notebook/config.js). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The configuration from the environment, relative paths from the checkout's top folder. */
export function notebookConfig(): Config {
  return loadConfig(process.env, PROJECT_ROOT);
}

/** Where notebookLogger writes. */
export const notebookLogFile = (config: Config): string => path.join(config.dataDir, "logs", "notebook.log");

/**
 * A logger for the stages a notebook drives, writing to DATA_DIR/logs/notebook.log: anything
 * the kernel writes to stderr lands in the cell's output and in the write-up, where log lines
 * are noise (errors still reach the cell, as exceptions).
 */
export function notebookLogger(config: Config): Logger {
  const file = notebookLogFile(config);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return createLogger({ level: config.logLevel, ns: "notebook", write: (line) => fs.appendFileSync(file, formatLine(line) + "\n") });
}
