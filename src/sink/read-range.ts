/**
 * Reads given offset ranges back from the log (recovery re-derives a half-committed batch).
 */
import type { LogRecord, Transport } from "../transport";
import type { OffsetRange } from "./naming";

/**
 * Records of each range (inclusive), in offset order, per partition. Stops early for a partition
 * whose log ends before the range does (retention), returning what exists.
 */
export async function readRanges(
  transport: Transport,
  topic: string,
  groupId: string,
  ranges: readonly OffsetRange[],
): Promise<Map<number, LogRecord[]>> {
  const out = new Map<number, LogRecord[]>();
  if (ranges.length === 0) return out;
  const ends = await transport.endOffsets(topic);
  const wanted = new Map<number, OffsetRange>();
  const from = new Map<number, number>();
  // Partitions without a range start at their end, so nothing is read from them.
  for (const [p, end] of ends) from.set(p, end);
  for (const r of ranges) {
    wanted.set(r.partition, r);
    from.set(r.partition, r.start);
    out.set(r.partition, []);
  }
  const pending = new Set([...wanted.keys()].filter((p) => (ends.get(p) ?? 0) > wanted.get(p)!.start));
  if (pending.size === 0) return out;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  // Set by onError (a callback): `as` keeps the compiler from narrowing it to null for good.
  let failure = null as Error | null;
  const sub = await transport.consume({
    topic,
    groupId,
    from,
    onBatch: async (records) => {
      for (const rec of records) {
        const range = wanted.get(rec.partition);
        if (!range || !pending.has(rec.partition)) continue;
        if (rec.offset >= range.start && rec.offset <= range.end) out.get(rec.partition)!.push(rec);
        if (rec.offset >= range.end || rec.offset + 1 >= (ends.get(rec.partition) ?? 0)) pending.delete(rec.partition);
      }
      if (pending.size === 0) finish();
    },
    onError: (error) => {
      failure = error;
      finish();
    },
  });
  await finished;
  await sub.stop();
  if (failure) throw failure;
  return out;
}
