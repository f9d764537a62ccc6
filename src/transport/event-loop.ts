/**
 * Resolves once the event loop has had a turn (timers, I/O callbacks, native completions). A
 * consumer working through a backlog awaits it between batches: otherwise only promise callbacks
 * run until the backlog is gone, and everything else waits, e.g. the metrics endpoint, the roll
 * timer, Ctrl-C, and the completions of the sink's Parquet COPYs, so DuckDB's threads sat idle
 * for up to ~400 ms at a time (bench/RESULTS.md, sink).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
