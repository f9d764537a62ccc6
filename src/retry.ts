/**
 * Retry with back-off, in one place. A task is tried again only while its failure says a retry may
 * help (errors.ts' isRetriable) and tries remain; callers choose the tries and the back-off.
 */
import { isRetriable } from "./errors";

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** Milliseconds to wait after failed try number `attempt` (1-based). */
  backoffMs: (attempt: number) => number;
  /** Called before each wait (to log the failure). */
  onRetry?: (failure: { attempt: number; waitMs: number; error: unknown }) => void;
}

/** Back-off doubling from `firstMs` (after the first try) up to `maxMs`. */
export function exponentialBackoff(firstMs: number, maxMs: number): (attempt: number) => number {
  return (attempt) => Math.min(maxMs, firstMs * 2 ** (attempt - 1));
}

/**
 * Runs `task` until it succeeds, fails with an error that is not retriable, or has been tried
 * `attempts` times; then rethrows its last error as it is.
 */
export async function withRetry<T>(task: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= options.attempts || !isRetriable(error)) throw error;
      const waitMs = options.backoffMs(attempt);
      options.onRetry?.({ attempt, waitMs, error });
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
