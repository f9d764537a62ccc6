/** Opens the state store the configuration names. */
import type { StateStoreConfig } from "../../config";
import type { Logger } from "../../logger";
import { PostgresStateStore } from "./postgres-state-store";
import { SqliteStateStore } from "./sqlite-state-store";
import type { StateStore } from "./state-store";

export async function openStateStore(config: StateStoreConfig, logger: Logger): Promise<StateStore> {
  if (config.kind === "postgres") return PostgresStateStore.open({ url: config.postgresUrl, password: config.postgresPassword, ca: config.postgresCa, poolSize: config.poolSize, logger });
  return new SqliteStateStore(config.sqlitePath);
}
