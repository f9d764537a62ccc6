/**
 * Transport.read on the embedded log: each partition from `from` to `to`, a partition-batch at a
 * time in turn (as the polling subscription reads), with no polling at all: the records are there.
 */
import type { ReadOptions } from "../transport";
import { yieldToEventLoop } from "../event-loop";
import type { LogStore } from "./store";

export async function readBounded(store: LogStore, options: ReadOptions): Promise<void> {
  const { topic, onBatch, signal } = options;
  const maxBatch = options.maxBatch ?? 10_000;
  const first = store.firstOffsets(topic);
  const positions = new Map<number, number>();
  for (const [partition, from] of options.from) positions.set(partition, Math.max(from, first.get(partition) ?? 0));
  for (let delivered = 1; delivered > 0 && !signal?.aborted; ) {
    delivered = 0;
    for (const [partition, position] of positions) {
      const to = options.to.get(partition) ?? 0;
      if (position >= to || signal?.aborted) continue;
      const records = store.read(topic, partition, position, Math.min(maxBatch, to - position));
      // Nothing where records were promised: `to` passed the end of the log, and reading must not wait.
      if (records.length === 0) {
        positions.set(partition, to);
        continue;
      }
      await onBatch(records);
      positions.set(partition, records[records.length - 1].offset + 1);
      delivered += records.length;
      await yieldToEventLoop();
    }
  }
}
