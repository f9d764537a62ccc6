/** Simulated players sent to a running API, with the ground truth of what they did. */
import type { Config } from "../config";
import { PipelineError } from "../errors";
import { loadCatalog, runLoad, type LoadOptions, type LoadResult } from "../load";
import type { Logger } from "../logger";

export type SendOptions = Omit<LoadOptions, "url" | "catalog" | "logger" | "maxNameLength" | "apiKey">;

/**
 * Sends a scenario to the API at `url` (the catalog, name limits and API key from the configuration).
 * Throws when an answer differed from what the simulator expected: its ground truth would then
 * not say what the tables must hold, and every check against it would be meaningless.
 */
export async function sendLoad(config: Config, url: string, options: SendOptions, logger: Logger): Promise<LoadResult> {
  const result = await runLoad({
    ...options,
    url,
    catalog: loadCatalog(config.api.catalogFile, config.api.maxNameLength),
    maxNameLength: config.api.maxNameLength,
    apiKey: config.load.apiKey,
    logger: logger.child("load"),
  });
  if (!result.truth.run.exact) {
    const s = result.summary;
    throw new PipelineError(`the ${s.scenario} load was not answered as expected (${s.mismatches} mismatches, ${s.requests.unanswered} unanswered): its ground truth is not exact`);
  }
  return result;
}
