import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { murmur2, partitionForKey } from "../../src/transport/partitioner";

// Kafka's own vectors for Utils.murmur2 (clients/.../common/utils/UtilsTest.java, testMurmur2).
const KAFKA_VECTORS: [string, number][] = [
  ["21", -973932308],
  ["foobar", -790332482],
  ["a-little-bit-long-string", -985981536],
  ["a-little-bit-longer-string", -1486304829],
  ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
  ["abc", 479470107],
];

describe("partitioner", () => {
  it("hashes keys exactly as Kafka's murmur2 does", () => {
    for (const [key, hash] of KAFKA_VECTORS) assert.equal(murmur2(Buffer.from(key)), hash, key);
  });

  it("places a key where Kafka's default partitioner does: positive hash modulo the partition count", () => {
    for (const [key, hash] of KAFKA_VECTORS) {
      for (const partitions of [2, 3, 6, 16]) assert.equal(partitionForKey(key, partitions), (hash & 0x7fffffff) % partitions, `${key} / ${partitions}`);
    }
  });

  it("hashes the UTF-8 bytes of a key, not its UTF-16 code units", () => {
    assert.equal(partitionForKey("Zoë ✓", 1000), (murmur2(Buffer.from("Zoë ✓", "utf8")) & 0x7fffffff) % 1000);
    assert.notEqual(murmur2(Buffer.from("Zoë ✓", "utf8")), murmur2(Buffer.from("Zoë ✓", "latin1")));
  });

  it("spreads keyless messages by the fallback counter and puts everything in partition 0 of a one-partition topic", () => {
    assert.deepEqual([0, 1, 2, 3].map((n) => partitionForKey(null, 3, n)), [0, 1, 2, 0]);
    assert.equal(partitionForKey("21", 1), 0);
  });
});
