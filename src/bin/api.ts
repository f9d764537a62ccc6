/**
 * `npm run api`: the game API alone, on the configured log (embedded by default), port PORT (5000).
 * Logs go to stderr. SIGINT/SIGTERM stop it cleanly, after the accepted requests are answered.
 */
import { startApi } from "../api";
import { CONFIG_DOCS, loadConfig } from "../config";
import { ConfigError, describeError } from "../errors";
import { createLogger } from "../logger";

const API_VARIABLES = ["DATA_DIR", "LOG_LEVEL", "TRANSPORT", "EVENTS_TOPIC", "KAFKA_BROKERS", "EMBEDDED_LOG_PATH", "PORT", "API_HOST",
  "CATALOG_FILE", "API_STATE_PATH", "MAX_NAME_LENGTH", "PUBLISH_LINGER_MS", "PUBLISH_MAX_BATCH", "PUBLISH_MAX_QUEUE", "PUBLISH_TIMEOUT_MS"];

function usage(): string {
  const rows = CONFIG_DOCS.filter((d) => API_VARIABLES.includes(d.variable))
    .map((d) => `  ${d.variable.padEnd(20)} ${d.default.padEnd(26)} ${d.meaning}`);
  return [
    "usage: npm run api [-- --help]",
    "",
    "Runs the game API: GET /, /purchase_a_sword/:name, /purchase_a_shield/:name, /join_guild/:name,",
    "/leave_guild/:name, /healthz. Every game request is logged to the events topic before it is answered.",
    "",
    "Environment (variable, default, meaning):",
    ...rows,
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(usage() + "\n");
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`unknown argument: ${argv[0]}\n\n${usage()}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`bad configuration: ${error instanceof ConfigError ? error.message : describeError(error)}\n`);
    return 2;
  }
  const logger = createLogger({ level: config.logLevel });
  let api;
  try {
    api = await startApi(config, logger);
  } catch (error) {
    const what = error instanceof ConfigError ? "bad configuration" : "cannot start the API";
    process.stderr.write(`${what}: ${describeError(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  logger.info("shutting down: answering accepted requests");
  await api.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`api failed: ${describeError(error)}\n`);
    process.exit(1);
  },
);
