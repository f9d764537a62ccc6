/**
 * The three Kafka requests a producer needs, in their last non-"flexible" versions (which Kafka 4
 * still serves, KIP-896 removed only older ones): Metadata v7, InitProducerId v1, Produce v8.
 * Requests are built as one Buffer (header v1: api key, version, correlation id, client id);
 * responses are read with a cursor after the broker's 4-byte correlation id.
 */
import { writeInt64 } from "./record-batch";

export const API = { produce: 0, metadata: 3, initProducerId: 22 } as const;
export const VERSION = { produce: 8, metadata: 7, initProducerId: 1 } as const;

/** The request frame: size prefix, header, body. */
export function frame(apiKey: number, version: number, correlationId: number, clientId: string, body: Buffer): Buffer {
  const id = Buffer.from(clientId, "utf8");
  const head = Buffer.allocUnsafe(4 + 2 + 2 + 4 + 2 + id.length);
  head.writeInt32BE(head.length - 4 + body.length, 0);
  head.writeInt16BE(apiKey, 4);
  head.writeInt16BE(version, 6);
  head.writeInt32BE(correlationId, 8);
  head.writeInt16BE(id.length, 12);
  id.copy(head, 14);
  return Buffer.concat([head, body]);
}

export function metadataRequest(topics: readonly string[]): Buffer {
  const names = topics.map((t) => Buffer.from(t, "utf8"));
  const body = Buffer.allocUnsafe(4 + names.reduce((n, b) => n + 2 + b.length, 0) + 1);
  let at = body.writeInt32BE(names.length, 0);
  for (const name of names) {
    at = body.writeInt16BE(name.length, at);
    at += name.copy(body, at);
  }
  body.writeInt8(0, at); // allow_auto_topic_creation: false
  return body;
}

export function initProducerIdRequest(): Buffer {
  const body = Buffer.allocUnsafe(6);
  body.writeInt16BE(-1, 0); // transactional_id: null (idempotent only)
  body.writeInt32BE(60_000, 2); // transaction_timeout_ms (unused without a transactional id)
  return body;
}

/** Produce v8 with acks=all for one topic; `batches` are encoded record batches per partition. */
export function produceRequest(topic: string, ackTimeoutMs: number, batches: ReadonlyMap<number, Buffer>): Buffer {
  const name = Buffer.from(topic, "utf8");
  const head = Buffer.allocUnsafe(2 + 2 + 4 + 4 + 2 + name.length + 4);
  let at = head.writeInt16BE(-1, 0); // transactional_id: null
  at = head.writeInt16BE(-1, at); // acks: all in-sync replicas
  at = head.writeInt32BE(ackTimeoutMs, at);
  at = head.writeInt32BE(1, at); // one topic
  at = head.writeInt16BE(name.length, at);
  at += name.copy(head, at);
  head.writeInt32BE(batches.size, at);
  const parts: Buffer[] = [head];
  for (const [partition, batch] of batches) {
    const p = Buffer.allocUnsafe(8);
    p.writeInt32BE(partition, 0);
    p.writeInt32BE(batch.length, 4);
    parts.push(p, batch);
  }
  return Buffer.concat(parts);
}

export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
}

export interface TopicMetadata {
  errorCode: number;
  /** Leader node id per partition index (-1: no leader right now). */
  leaders: number[];
}

export interface MetadataResponse {
  brokers: BrokerAddress[];
  topics: Map<string, TopicMetadata>;
}

export function readMetadata(r: Reader): MetadataResponse {
  r.int32(); // throttle_time_ms
  const brokers = r.array(() => {
    const nodeId = r.int32();
    const host = r.string()!;
    const port = r.int32();
    r.string(); // rack
    return { nodeId, host, port };
  });
  r.string(); // cluster_id
  r.int32(); // controller_id
  const topics = new Map<string, TopicMetadata>();
  r.array(() => {
    const errorCode = r.int16();
    const name = r.string()!;
    r.int8(); // is_internal
    const leaders: number[] = [];
    r.array(() => {
      r.int16(); // partition error_code: a missing leader shows as leader -1
      const index = r.int32();
      leaders[index] = r.int32();
      r.int32(); // leader_epoch
      r.array(() => r.int32()); // replica_nodes
      r.array(() => r.int32()); // isr_nodes
      r.array(() => r.int32()); // offline_replicas
    });
    topics.set(name, { errorCode, leaders });
  });
  return { brokers, topics };
}

export function readInitProducerId(r: Reader): { errorCode: number; producerId: number; producerEpoch: number } {
  r.int32(); // throttle_time_ms
  const errorCode = r.int16();
  const producerId = r.int64();
  const producerEpoch = r.int16();
  return { errorCode, producerId, producerEpoch };
}

/** Error code per partition of a Produce v8 response. */
export function readProduce(r: Reader): Map<number, { errorCode: number; message: string | null }> {
  const result = new Map<number, { errorCode: number; message: string | null }>();
  r.array(() => {
    r.string(); // topic name (one topic per request)
    r.array(() => {
      const partition = r.int32();
      const errorCode = r.int16();
      r.int64(); // base_offset
      r.int64(); // log_append_time_ms
      r.int64(); // log_start_offset
      const recordErrors = r.array(() => {
        r.int32(); // batch_index
        return r.string();
      });
      const message = r.string() ?? recordErrors.find((m) => m) ?? null;
      result.set(partition, { errorCode, message });
    });
  });
  return result;
}

/** A cursor over a response body. */
export class Reader {
  constructor(private readonly buf: Buffer, private at = 0) {}

  int8(): number {
    return this.buf.readInt8((this.at += 1) - 1);
  }

  int16(): number {
    return this.buf.readInt16BE((this.at += 2) - 2);
  }

  int32(): number {
    return this.buf.readInt32BE((this.at += 4) - 4);
  }

  int64(): number {
    const high = this.buf.readInt32BE(this.at);
    const low = this.buf.readUInt32BE(this.at + 4);
    this.at += 8;
    return high * 2 ** 32 + low;
  }

  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    const s = this.buf.toString("utf8", this.at, this.at + length);
    this.at += length;
    return s;
  }

  array<T>(item: () => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
}

export { writeInt64 };
