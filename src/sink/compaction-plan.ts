/**
 * Which small files to merge. Pure.
 *
 * A merged file is named with the offset range it covers, `<topic>+<p>+<first start>+<last end>`,
 * so it stays a valid checkpoint and recovery can tell it supersedes its inputs. That name is only
 * true if every batch inside the range is fully committed in every table: batches commit in order,
 * so only a partition's latest batch (the highest end offset in any table) may be half-committed,
 * and compaction never touches it.
 */
import { fileName, type OffsetRange } from "./naming";
import type { CommittedFile } from "./recovery-plan";

export interface MergePlan {
  table: string;
  dt: string;
  range: OffsetRange;
  name: string;
  inputs: CommittedFile[];
}

export interface CompactionFilter {
  table?: string;
  dt?: string;
  /** Merge only groups of at least this many files. */
  minFiles?: number;
}

/** One merge per (table, dt, source partition) with at least `minFiles` eligible files. */
export function planCompaction(files: readonly CommittedFile[], topic: string, filter: CompactionFilter = {}): MergePlan[] {
  const ofTopic = files.filter((f) => f.range.topic === topic);
  const latestEnd = new Map<number, number>();
  for (const f of ofTopic) latestEnd.set(f.range.partition, Math.max(latestEnd.get(f.range.partition) ?? -1, f.range.end));
  const groups = new Map<string, CommittedFile[]>();
  for (const f of ofTopic) {
    if (filter.table && f.table !== filter.table) continue;
    if (filter.dt && f.dt !== filter.dt) continue;
    if (f.range.end >= latestEnd.get(f.range.partition)!) continue; // the latest batch may be half-committed
    const key = `${f.table}\u0000${f.dt}\u0000${f.range.partition}`;
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  const plans: MergePlan[] = [];
  for (const group of groups.values()) {
    if (group.length < Math.max(2, filter.minFiles ?? 2)) continue;
    group.sort((a, b) => a.range.start - b.range.start);
    const first = group[0];
    const range: OffsetRange = { ...first.range, end: Math.max(...group.map((f) => f.range.end)) };
    plans.push({ table: first.table, dt: first.dt, range, name: fileName(range), inputs: group });
  }
  return plans.sort((a, b) => a.table.localeCompare(b.table) || a.dt.localeCompare(b.dt) || a.range.partition - b.range.partition);
}
