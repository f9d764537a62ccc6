/**
 * Catch-up while serving: every `intervalMs` the log tail is replayed into the store again (the
 * same replay as at start). It applies what another replica logged but could not record before it
 * died, without waiting for a replica to start, and it moves the position, so `applied_events`
 * keeps only the changes since the last catch-up.
 */
import { replayLog, type ReplayOptions } from "./replay";

export interface CatchUp {
  /** Stops the timer and waits for a catch-up in progress. */
  stop(): Promise<void>;
}

/** Starts the periodic catch-up; `intervalMs` 0 turns it off (replay at start only). */
export function startCatchUp(options: ReplayOptions & { intervalMs: number }): CatchUp {
  if (options.intervalMs <= 0) return { stop: async () => undefined };
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = replayLog(options)
      .then(
        (result) => {
          if (result.applied > 0) options.logger.warn("applied changes the log held and the store lacked (a replica died between the two)", { ...result });
        },
        (error) => options.logger.warn("catch-up with the log failed; the next one retries", { error: String(error) }),
      )
      .finally(() => (running = null));
  }, options.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
