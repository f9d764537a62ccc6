/**
 * Reads given offset ranges back from the log (recovery re-derives a half-committed batch).
 */
import type { LogRecord, Transport } from "../transport";
import type { OffsetRange } from "./naming";

/**
 * Records of each range (inclusive), in offset order, per partition. A bounded read: no consumer
 * group (joining the sink's own would rebalance its live members), and nothing waited for past
 * the end of the log. Stops early for a partition whose log ends before the range does
 * (retention), returning what exists.
 */
export async function readRanges(transport: Transport, topic: string, ranges: readonly OffsetRange[]): Promise<Map<number, LogRecord[]>> {
  const out = new Map<number, LogRecord[]>();
  if (ranges.length === 0) return out;
  const ends = await transport.endOffsets(topic);
  const from = new Map<number, number>();
  const to = new Map<number, number>();
  for (const r of ranges) {
    out.set(r.partition, []);
    from.set(r.partition, r.start);
    to.set(r.partition, Math.min(r.end + 1, ends.get(r.partition) ?? 0));
  }
  await transport.read({ topic, from, to, onBatch: async (records) => void out.get(records[0].partition)!.push(...records) });
  return out;
}
