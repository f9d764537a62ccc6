/**
 * Key to partition, for both transports: Kafka's default partitioner (murmur2 of the key's UTF-8
 * bytes, made positive, modulo the partition count), the function of the Java client and kafkajs.
 * The embedded log and every Kafka producer of ours place a key with it, so one player's events sit
 * in the same partition, in order, whichever transport or client wrote them, and a partition's
 * owner (one sink worker) sees them all.
 */

/** The partition of `key`; a message without a key goes to `fallback` (a round-robin counter) modulo the count. */
export function partitionForKey(key: string | null | undefined, partitions: number, fallback = 0): number {
  if (partitions <= 1) return 0;
  if (key === null || key === undefined) return fallback % partitions;
  return keyHash(Buffer.from(key, "utf8")) % partitions;
}

/** The positive hash a key's partition is taken from (before `% partitions`); the Kafka producer hands it to its client. */
export function keyHash(key: Uint8Array): number {
  return murmur2(key) & 0x7fffffff;
}

/** Java's `Utils.murmur2` (32-bit signed result). */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The tail bytes, as Java's switch with fall-through does.
  const tail = length & 3;
  if (tail === 3) h ^= data[whole + 2] << 16;
  if (tail >= 2) h ^= data[whole + 1] << 8;
  if (tail >= 1) {
    h ^= data[whole];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
