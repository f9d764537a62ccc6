/** The sink as a run drives it: streaming in the background while players play, or one batch. */
import type { Logger } from "../logger";
import { runSink, type SinkSummary } from "../sink";
import type { Stack } from "./stack";

export interface StreamingSink {
  /** Stops consuming, commits what is staged, and resolves with what the run landed. */
  stop(): Promise<SinkSummary>;
}

/** Starts the streaming sink and resolves once it consumes (recovery done, tables registered). */
export async function startStreamingSink(stack: Stack, logger: Logger): Promise<StreamingSink> {
  const controller = new AbortController();
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const done = runSink({ ...sinkDeps(stack, logger), mode: "stream", signal: controller.signal, metricsPort: 0, onReady: () => ready() });
  // A sink that fails while starting rejects `done` before `started` resolves.
  await Promise.race([started, done]);
  // A failure after the start surfaces from stop(); until then it must not count as unhandled
  // (Node would end the process: the notebook's kernel, or npm start).
  done.catch(() => undefined);
  return {
    stop: () => {
      controller.abort();
      return done;
    },
  };
}

/** Lands everything up to the current end of the log, then returns. */
export function landBatch(stack: Stack, logger: Logger): Promise<SinkSummary> {
  return runSink({ ...sinkDeps(stack, logger), mode: "batch" });
}

function sinkDeps(stack: Stack, logger: Logger) {
  return { config: stack.config, transport: stack.transport, storage: stack.storage, engine: stack.engine, logger: logger.child("sink") };
}
