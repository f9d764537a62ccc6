/**
 * Key to partition, for the embedded log. Kafka uses its own (murmur2) partitioner; the embedded
 * log only needs a stable hash so that one player's events stay in order.
 */
export function partitionForKey(key: string | null | undefined, partitions: number, fallback: number): number {
  if (partitions <= 1) return 0;
  if (key === null || key === undefined) return fallback % partitions;
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % partitions;
}
