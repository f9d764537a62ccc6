/**
 * Recovery from committed file names alone (no manifest): where to resume, which batch may be
 * half-committed, and which files are leftovers of an interrupted compaction. Pure.
 */
import { covers, type OffsetRange } from "./naming";

export interface CommittedFile {
  table: string;
  dt: string;
  path: string;
  range: OffsetRange;
}

export interface RecoveryPlan {
  /** Per source partition, the next offset to read (max committed end + 1). */
  next: Map<number, number>;
  /**
   * Per source partition, the last batch's range. Batches commit one after the other, so only this
   * one can be missing from some tables; it is re-derived from the log and completed.
   */
  last: Map<number, OffsetRange>;
  /** Files whose offsets a larger file in the same table and dt also holds (compaction inputs not yet deleted). */
  superseded: CommittedFile[];
}

/** Plans recovery for one topic from every committed file of every table. */
export function planRecovery(files: readonly CommittedFile[], topic: string): RecoveryPlan {
  const ofTopic = files.filter((f) => f.range.topic === topic);
  const superseded = findSuperseded(ofTopic);
  const dropped = new Set(superseded);
  const live = ofTopic.filter((f) => !dropped.has(f));
  const next = new Map<number, number>();
  const last = new Map<number, OffsetRange>();
  for (const { range } of live) {
    const current = last.get(range.partition);
    // Among files ending at the same offset, the narrowest is the batch itself (a compacted file never
    // ends at the latest batch: compaction leaves it alone, see compaction.ts).
    if (!current || range.end > current.end || (range.end === current.end && range.start > current.start)) {
      last.set(range.partition, range);
    }
  }
  for (const [partition, range] of last) next.set(partition, range.end + 1);
  return { next, last, superseded };
}

/** Files strictly inside another file's range in the same table and dt folder. O(n log n). */
export function findSuperseded(files: readonly CommittedFile[]): CommittedFile[] {
  const groups = new Map<string, CommittedFile[]>();
  for (const f of files) {
    const key = `${f.table}/${f.dt}/${f.range.partition}`;
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  const out: CommittedFile[] = [];
  for (const group of groups.values()) {
    // Sorted by start, widest first: a file is inside another iff an earlier one reaches its end.
    group.sort((a, b) => a.range.start - b.range.start || b.range.end - a.range.end);
    let reach = -1;
    for (const f of group) {
      if (f.range.end <= reach) out.push(f);
      else reach = f.range.end;
    }
  }
  return out;
}

/** True when some file of `table`/`dt` already holds every offset of `range`. */
export function isCovered(files: readonly CommittedFile[], table: string, dt: string, range: OffsetRange): boolean {
  return files.some((f) => f.table === table && f.dt === dt && covers(f.range, range));
}
