/**
 * Turns one aggregated read of the log (see LogStore.read) back into records. Pure.
 */
import { TransportError } from "../../errors";
import type { StoredRecord } from "./store";

export interface AggregatedRead {
  /** `offset,timestamp,byteLength` of each record, comma-separated, in the order of `values`. */
  meta: string;
  /** The records' values back to back. */
  values: Buffer;
  /** Each record's key, or null when no record has one. */
  keys: readonly (string | null)[] | null;
}

/** Records in offset order; each value is a view into `read.values` (no copy). */
export function splitRead(topic: string, partition: number, read: AggregatedRead): StoredRecord[] {
  const parts = read.meta.split(",");
  const n = parts.length / 3;
  const out: StoredRecord[] = new Array(n);
  let pos = 0;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const offset = Number(parts[3 * i]);
    const end = pos + Number(parts[3 * i + 2]);
    out[i] = { topic, partition, offset, key: read.keys ? read.keys[i] : null, value: read.values.subarray(pos, end), timestamp: Number(parts[3 * i + 1]) };
    if (i > 0 && out[i - 1].offset > offset) sorted = false;
    pos = end;
  }
  if (pos !== read.values.length || !Number.isInteger(n)) throw new TransportError(`aggregated read is inconsistent: ${n} records, ${pos} of ${read.values.length} bytes`, { retriable: false });
  // SQLite feeds the aggregates in scan order, which is offset order; sorting is only a safeguard.
  return sorted ? out : out.sort((a, b) => a.offset - b.offset);
}
