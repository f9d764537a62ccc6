/**
 * Encodes one idempotent record batch (Kafka message format v2) straight into a single buffer:
 * sizes are computed first, then every field, key and value is written in place, and the CRC-32C
 * is taken over the finished bytes. Why by hand: kafkajs builds a Buffer per record, per varint
 * and per header field, then copies them together; at ~25 events per batch that was ~70 CPU-µs per
 * event in the API process, the largest single cost of a request on Kafka (bench/RESULTS.md).
 */
import { crc32c } from "./crc32c";

export interface BatchRecord {
  key: string | null;
  value: Buffer | string;
  timestamp: number;
}

export interface BatchProducer {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

/** Bytes before the first record: baseOffset .. recordCount. */
const HEADER = 61;
/** Where the CRC sits and where the bytes it covers start. */
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;

/** The record batch for `records` (at least one), ready to be the `records` field of a Produce request. */
export function encodeRecordBatch(records: readonly BatchRecord[], producer: BatchProducer): Buffer {
  let base = records[0].timestamp;
  let max = base;
  for (const r of records) {
    if (r.timestamp < base) base = r.timestamp;
    if (r.timestamp > max) max = r.timestamp;
  }
  // 1. Sizes: each record is varint(length) + body.
  const keyLengths = new Array<number>(records.length);
  const valueLengths = new Array<number>(records.length);
  const bodyLengths = new Array<number>(records.length);
  let total = HEADER;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const keyLength = r.key === null ? -1 : Buffer.byteLength(r.key);
    const valueLength = typeof r.value === "string" ? Buffer.byteLength(r.value) : r.value.length;
    const body = 1 + varlongSize(r.timestamp - base) + varintSize(i) + varintSize(keyLength) + Math.max(0, keyLength) +
      varintSize(valueLength) + valueLength + 1;
    keyLengths[i] = keyLength;
    valueLengths[i] = valueLength;
    bodyLengths[i] = body;
    total += varintSize(body) + body;
  }
  // 2. Header.
  const buf = Buffer.allocUnsafe(total);
  writeInt64(buf, 0, 0); // baseOffset: the broker assigns offsets
  buf.writeInt32BE(total - 12, 8); // batchLength: bytes after this field
  buf.writeInt32BE(-1, 12); // partitionLeaderEpoch: set by the broker
  buf.writeInt8(2, 16); // magic
  buf.writeInt16BE(0, ATTRIBUTES_AT); // no compression, create time, not transactional
  buf.writeInt32BE(records.length - 1, 23); // lastOffsetDelta
  writeInt64(buf, base, 27);
  writeInt64(buf, max, 35);
  writeInt64(buf, producer.producerId, 43);
  buf.writeInt16BE(producer.producerEpoch, 51);
  buf.writeInt32BE(producer.baseSequence, 53);
  buf.writeInt32BE(records.length, 57);
  // 3. Records.
  let at = HEADER;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    at = writeVarint(buf, at, bodyLengths[i]);
    buf[at++] = 0; // record attributes
    at = writeVarlong(buf, at, r.timestamp - base);
    at = writeVarint(buf, at, i);
    at = writeVarint(buf, at, keyLengths[i]);
    if (r.key !== null) at += buf.write(r.key, at, "utf8");
    at = writeVarint(buf, at, valueLengths[i]);
    if (typeof r.value === "string") at += buf.write(r.value, at, "utf8");
    else at += r.value.copy(buf, at);
    buf[at++] = 0; // no headers
  }
  buf.writeUInt32BE(crc32c(buf, ATTRIBUTES_AT, total), CRC_AT);
  return buf;
}

/** Big-endian int64 of a safe integer (offsets, timestamps, producer ids). */
export function writeInt64(buf: Buffer, value: number, at: number): void {
  const high = Math.floor(value / 2 ** 32);
  buf.writeInt32BE(high, at);
  buf.writeUInt32BE(value - high * 2 ** 32, at + 4);
}

function zigzag32(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

function varintSize(n: number): number {
  let z = zigzag32(n);
  let size = 1;
  while (z >= 0x80) {
    z >>>= 7;
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, at: number, n: number): number {
  let z = zigzag32(n);
  while (z >= 0x80) {
    buf[at++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[at++] = z;
  return at;
}

/** Zigzag varlong of a non-negative safe integer (a timestamp delta), without 32-bit overflow. */
function varlongSize(n: number): number {
  let z = n * 2;
  let size = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

function writeVarlong(buf: Buffer, at: number, n: number): number {
  let z = n * 2;
  while (z >= 0x80) {
    buf[at++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[at++] = z;
  return at;
}
