/**
 * Transport.read through a subscription, for as long as the Kafka client has no bounded read of its
 * own: a throwaway group joined for the read (kafkajs cannot assign partitions by hand), stopped
 * once every partition reached `to`. Partitions not read start at their end, so they deliver nothing.
 */
import { randomUUID } from "node:crypto";
import type { LogRecord, ReadOptions, Transport } from "../transport";

export async function readThroughConsume(transport: Transport, options: ReadOptions): Promise<void> {
  const { topic, to, signal } = options;
  const ends = await transport.endOffsets(topic);
  const from = new Map(ends);
  const pending = new Set<number>();
  for (const [partition, start] of options.from) {
    const stop = Math.min(to.get(partition) ?? 0, ends.get(partition) ?? 0);
    from.set(partition, start);
    if (start < stop) pending.add(partition);
  }
  if (pending.size === 0 || signal?.aborted) return;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  // Set by onError (a callback): `as` keeps the compiler from narrowing it to null for good.
  let failure = null as Error | null;
  signal?.addEventListener("abort", () => finish(), { once: true });
  const subscription = await transport.consume({
    topic,
    groupId: `read-${topic}-${randomUUID()}`,
    from,
    maxBatch: options.maxBatch,
    onBatch: async (records: LogRecord[]) => {
      const partition = records[0]?.partition ?? -1;
      if (!pending.has(partition) || signal?.aborted) return;
      const stop = Math.min(to.get(partition) ?? 0, ends.get(partition) ?? 0);
      const wanted = records.filter((r) => r.offset < stop);
      if (wanted.length > 0) await options.onBatch(wanted);
      if (records[records.length - 1].offset + 1 >= stop) pending.delete(partition);
      if (pending.size === 0) finish();
    },
    onError: (error) => {
      failure = error;
      finish();
    },
  });
  await finished;
  await subscription.stop();
  if (failure) throw failure;
}
