/**
 * `npm run api`: the game API alone, on the configured log (embedded by default), port PORT (5000).
 * Logs go to stderr. SIGINT/SIGTERM stop it cleanly, after the accepted requests are answered.
 */
import { parseArgs } from "node:util";
import { startApi } from "../api";
import { loadConfig } from "../config";
import { createLogger } from "../logger";
import { environmentHelp, runCli } from "./cli";

const API_VARIABLES = ["DATA_DIR", "LOG_LEVEL", "TRANSPORT", "EVENTS_TOPIC", "KAFKA_BROKERS", "EMBEDDED_LOG_PATH", "PORT", "API_HOST",
  "CATALOG_FILE", "API_STORE", "API_STATE_PATH", "API_DATABASE_URL", "API_DB_POOL", "IDEMPOTENCY_WINDOW_MS", "API_CATCHUP_INTERVAL_MS", "MAX_NAME_LENGTH", "PUBLISH_LINGER_MS", "PUBLISH_MAX_BATCH", "PUBLISH_MAX_IN_FLIGHT", "PUBLISH_MAX_QUEUE", "PUBLISH_TIMEOUT_MS",
  "API_KEYS", "API_KEY_RATE", "API_KEY_BURST", "API_PLAYER_RATE", "API_PLAYER_BURST", "API_HEADERS_TIMEOUT_MS", "API_REQUEST_TIMEOUT_MS"];

const USAGE = [
  "usage: npm run api [-- --help]",
  "",
  "Runs the game API: GET /, /purchase_a_sword/:name, /purchase_a_shield/:name, /join_guild/:name,",
  "/leave_guild/:name, /healthz. Every game request is logged to the events topic before it is answered.",
  "",
  ...environmentHelp((v) => API_VARIABLES.includes(v)),
].join("\n");

async function main(argv: string[]): Promise<number> {
  parseArgs({ args: argv, options: {} }); // no options: anything given is refused
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const api = await startApi(config, logger);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  logger.info("shutting down: answering accepted requests");
  await api.close();
  return 0;
}

runCli("api", USAGE, main);
