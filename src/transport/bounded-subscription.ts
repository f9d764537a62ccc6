/**
 * A bounded subscription (ConsumeOptions.until) built on Transport.read: batch mode's reader on
 * Kafka. It takes every partition of `until` at once instead of joining a consumer group (a join
 * costs Kafka's group coordinator seconds before the first fetch, and batch mode has nothing to
 * share), reads each up to its bound without waiting for records that are not there, then calls onEnd.
 */
import type { ConsumeOptions, Offsets, OwnershipCheck, Subscription, Transport } from "./transport";

/** Reads `options.topic` up to `until`; with `options.ownership`, owns those partitions as long as `check` confirms it. */
export async function boundedSubscription(transport: Transport, options: ConsumeOptions, until: Offsets, check: OwnershipCheck): Promise<Subscription> {
  const { topic, ownership } = options;
  const partitions = [...until.keys()];
  // Partitions not given a start begin at the earliest offset (read() starts no earlier than the log does).
  const from = new Map(partitions.map((p) => [p, options.from.get(p) ?? 0]));
  if (ownership) {
    await check.confirmOwnership(partitions);
    for (const [p, offset] of await ownership.assigned(partitions, check)) from.set(p, offset);
  }
  const controller = new AbortController();
  const reading = transport
    .read({ topic, from, to: until, onBatch: options.onBatch, maxBatch: options.maxBatch, signal: controller.signal })
    .then(
      () => {
        if (!controller.signal.aborted) options.onEnd?.();
      },
      (error: unknown) => options.onError?.(error instanceof Error ? error : new Error(String(error))),
    );
  let stopping: Promise<void> | null = null;
  return {
    confirmOwnership: (owned) => check.confirmOwnership(owned),
    stop() {
      controller.abort();
      stopping ??= reading.then(() => ownership?.revoked(partitions));
      return stopping;
    },
  };
}
