/** The game API as a run starts it: on a free loopback port, so it never collides with `npm run api`. */
import { startApi, type ApiServer } from "../api";
import type { Config } from "../config";
import type { Logger } from "../logger";

/** Starts the game API on 127.0.0.1 and a port the OS picks; `url` says where. */
export function startLocalApi(config: Config, logger: Logger): Promise<ApiServer> {
  return startApi({ ...config, api: { ...config.api, port: 0, host: "127.0.0.1" } }, logger.child("api"));
}
