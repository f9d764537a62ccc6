/**
 * A one-node Kafka broker fake, speaking just what the wire producer asks (Metadata v7,
 * InitProducerId v1, Produce v8), for tests of failures a real broker cannot be made to show on
 * demand: a connection dropped right after an append, a refused batch. It keeps the batches it
 * "appended" decoded with kafkajs' record-batch decoder (an independent reader of the format) and
 * drops duplicates by producer id and sequence like Kafka does.
 */
import * as net from "node:net";
import type { AddressInfo } from "node:net";

// kafkajs internals, used here only as a reference decoder of the record-batch format.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KafkaDecoder = require("kafkajs/src/protocol/decoder") as new (buf: Buffer) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const decodeRecordBatch = require("kafkajs/src/protocol/recordBatch/v0/decoder") as (d: unknown) => Promise<DecodedBatch>;

interface DecodedBatch {
  producerId: string;
  firstSequence: number;
  records: { key: Buffer | null; value: Buffer; timestamp: string }[];
}

export interface StoredBatch {
  partition: number;
  producerId: number;
  baseSequence: number;
  crcValid: boolean;
  records: { key: string | null; value: string; timestamp: number }[];
}

/** What the fake does with the next Produce request. */
export type ProduceBehaviour = "ack" | "append-then-drop" | "drop" | { errorCode: number };

export class FakeKafkaBroker {
  readonly log: StoredBatch[] = [];
  readonly producerIds: number[] = [];
  /** Behaviours for the next Produce requests, in order; "ack" once empty. */
  readonly script: ProduceBehaviour[] = [];
  produceRequests = 0;
  /** InitProducerId requests still to answer with this error code (a coordinator loading, as on a fresh cluster). */
  initErrors: { count: number; errorCode: number } = { count: 0, errorCode: 0 };
  initRequests = 0;
  /** Producer id and base sequence of every batch received, appended or not. */
  readonly received: { producerId: number; baseSequence: number; values: string[] }[] = [];
  private server!: net.Server;
  private nextProducerId = 1000;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly partitions = 1) {}

  async start(): Promise<string> {
    this.server = net.createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => undefined);
    let pending = Buffer.alloc(0);
    let queue = Promise.resolve();
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const request = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + request.length);
        // One request at a time per connection, in order, as a Kafka broker handles them.
        queue = queue.then(async () => {
          const correlationId = request.readInt32BE(4);
          const body = request.subarray(8 + 2 + request.readInt16BE(8));
          const answer = await this.handle(request.readInt16BE(0), body, socket);
          if (answer && !socket.destroyed) socket.write(withHeader(correlationId, answer));
        });
      }
    });
  }

  private async handle(apiKey: number, body: Buffer, socket: net.Socket): Promise<Buffer | null> {
    const { port } = this.server.address() as AddressInfo;
    if (apiKey === 3) return metadataAnswer(port, topicsOf(body), this.partitions);
    if (apiKey === 22) {
      this.initRequests++;
      if (this.initErrors.count > 0) {
        this.initErrors.count--;
        return concat(int32(0), int16(this.initErrors.errorCode), int64(-1), int16(-1));
      }
      const id = this.nextProducerId++;
      this.producerIds.push(id);
      return concat(int32(0), int16(0), int64(id), int16(0));
    }
    if (apiKey !== 0) throw new Error(`fake broker: unexpected api key ${apiKey}`);
    this.produceRequests++;
    const behaviour = this.script.shift() ?? "ack";
    const batches = await readProduce(body);
    for (const b of batches) this.received.push({ producerId: b.producerId, baseSequence: b.baseSequence, values: b.records.map((r) => r.value) });
    if (behaviour === "drop") {
      socket.destroy();
      return null;
    }
    const codes = new Map<number, number>();
    for (const b of batches) {
      if (typeof behaviour === "object") {
        codes.set(b.partition, behaviour.errorCode);
        continue;
      }
      const duplicate = this.log.some((s) => s.producerId === b.producerId && s.partition === b.partition && s.baseSequence === b.baseSequence);
      if (!duplicate) this.log.push(b);
      codes.set(b.partition, 0);
    }
    if (behaviour === "append-then-drop") {
      socket.destroy();
      return null;
    }
    return produceAnswer(topicNameOf(body), codes);
  }
}

function withHeader(correlationId: number, body: Buffer): Buffer {
  return concat(int32(4 + body.length), int32(correlationId), body);
}

function topicsOf(body: Buffer): string[] {
  const n = body.readInt32BE(0);
  const names: string[] = [];
  let at = 4;
  for (let i = 0; i < n; i++) {
    const length = body.readInt16BE(at);
    names.push(body.toString("utf8", at + 2, at + 2 + length));
    at += 2 + length;
  }
  return names;
}

function metadataAnswer(port: number, topics: string[], partitions: number): Buffer {
  const parts = [int32(0), int32(1), int32(1), str("127.0.0.1"), int32(port), int16(-1), int16(-1), int32(1), int32(topics.length)];
  for (const t of topics) {
    parts.push(int16(0), str(t), Buffer.from([0]), int32(partitions));
    for (let p = 0; p < partitions; p++) parts.push(int16(0), int32(p), int32(1), int32(0), int32(1), int32(1), int32(1), int32(1), int32(0));
  }
  return concat(...parts);
}

function topicNameOf(produceBody: Buffer): string {
  const at = 2 + 2 + 4 + 4;
  return produceBody.toString("utf8", at + 2, at + 2 + produceBody.readInt16BE(at));
}

async function readProduce(body: Buffer): Promise<StoredBatch[]> {
  let at = 2 + 2 + 4 + 4; // transactional id (null), acks, timeout, one topic
  at += 2 + body.readInt16BE(at);
  const n = body.readInt32BE(at);
  at += 4;
  const out: StoredBatch[] = [];
  for (let i = 0; i < n; i++) {
    const partition = body.readInt32BE(at);
    const size = body.readInt32BE(at + 4);
    const batch = body.subarray(at + 8, at + 8 + size);
    at += 8 + size;
    const decoded = await decodeRecordBatch(new KafkaDecoder(batch));
    out.push({
      partition,
      producerId: Number(decoded.producerId),
      baseSequence: decoded.firstSequence,
      crcValid: batch.readUInt32BE(17) === crc32cReference(batch.subarray(21)),
      records: decoded.records.map((r) => ({ key: r.key === null ? null : r.key.toString(), value: r.value.toString(), timestamp: Number(r.timestamp) })),
    });
  }
  return out;
}

function produceAnswer(topic: string, codes: Map<number, number>): Buffer {
  const parts = [int32(1), str(topic), int32(codes.size)];
  for (const [partition, code] of codes) parts.push(int32(partition), int16(code), int64(0), int64(-1), int64(0), int32(0), int16(-1));
  parts.push(int32(0));
  return concat(...parts);
}

/** Bit-at-a-time CRC-32C, deliberately not the table code under test. */
function crc32cReference(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const concat = (...parts: Buffer[]) => Buffer.concat(parts);
const int16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const int64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(n)); return b; };
const str = (s: string) => concat(int16(Buffer.byteLength(s)), Buffer.from(s));
