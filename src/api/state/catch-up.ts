/**
 * Catch-up while serving: every `intervalMs` the log tail is replayed into the store again (the
 * same replay as at start). It applies what another replica logged but could not record before it
 * died, without waiting for a replica to start, and it moves the position, so `applied_events`
 * keeps only the changes since the last catch-up. A retry that finds its key's claim unsettled
 * asks for a replay at once (`settle`): the replay settles the claim when the log holds the key's
 * event, and the claims it did not settle are dropped after it.
 */
import { replayLog, type ReplayOptions } from "./replay";

export interface CatchUp {
  /**
   * Has an unsettled claim checked against the log: a replay that begins after this call either
   * finds the key's event (the claim becomes the key's record) or, when it found none, drops it.
   */
  settle(claim: string): void;
  /** Stops the timer and waits for a catch-up in progress. */
  stop(): Promise<void>;
}

/** Starts the periodic catch-up; `intervalMs` 0 turns the timer off (replay at start, and for `settle`). */
export function startCatchUp(options: ReplayOptions & { intervalMs: number }): CatchUp {
  const { logger, store } = options;
  let running: Promise<void> | null = null;
  let stopped = false;
  /** Claims to check with the next replay to begin. */
  const waiting = new Set<string>();
  const run = () => {
    if (running || stopped) return;
    const checking = [...waiting];
    waiting.clear();
    let failed = false;
    running = replayLog(options)
      .then(async (result) => {
        if (result.applied > 0) logger.warn("applied changes the log held and the store lacked (a replica died between the two)", { ...result });
        // This replay began after the claims were seen unsettled, so their events, if logged, were in what it read.
        const dropped = await store.dropClaims(checking);
        if (checking.length > 0) logger.info("checked unsettled idempotency keys against the log", { checked: checking.length, notLogged: dropped });
      })
      .catch((error) => {
        failed = true;
        for (const claim of checking) waiting.add(claim);
        logger.warn("catch-up with the log failed; the next one retries", { error: String(error) });
      })
      .finally(() => {
        running = null;
        // Claims seen while this replay ran need one that begins after them (after a failure, the next settle or tick retries).
        if (waiting.size > 0 && !failed) run();
      });
  };
  const timer = options.intervalMs > 0 ? setInterval(run, options.intervalMs) : null;
  timer?.unref();
  return {
    settle: (claim) => {
      waiting.add(claim);
      run();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
