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
  const { meta, values, keys } = read;
  const out: StoredRecord[] = [];
  // The numbers are read digit by digit: meta.split(",") made three strings per record, which cost
  // more than the rest of the split (bench/RESULTS.md, sink).
  const fields = [0, 0, 0];
  let field = 0;
  let value = 0;
  let digits = 0;
  let negative = false;
  let pos = 0;
  let sorted = true;
  for (let k = 0; k <= meta.length; k++) {
    const c = k < meta.length ? meta.charCodeAt(k) : COMMA;
    if (c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      digits++;
    } else if (c === MINUS && digits === 0 && !negative) {
      negative = true;
    } else if (c === COMMA && digits > 0) {
      fields[field] = negative ? -value : value;
      value = digits = 0;
      negative = false;
      if (++field < 3) continue;
      field = 0;
      const [offset, timestamp, length] = fields;
      const i = out.length;
      out.push({ topic, partition, offset, key: keys ? keys[i] : null, value: values.subarray(pos, pos + length), timestamp });
      if (i > 0 && out[i - 1].offset > offset) sorted = false;
      pos += length;
    } else {
      throw new TransportError(`aggregated read is inconsistent: unexpected ${JSON.stringify(meta[k] ?? "end")} at ${k} of its offsets`, { retriable: false });
    }
  }
  if (pos !== values.length || field !== 0) throw new TransportError(`aggregated read is inconsistent: ${out.length} records, ${pos} of ${values.length} bytes`, { retriable: false });
  // SQLite feeds the aggregates in scan order, which is offset order; sorting is only a safeguard.
  return sorted ? out : out.sort((a, b) => a.offset - b.offset);
}

const COMMA = 44;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
