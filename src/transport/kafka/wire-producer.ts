/**
 * The Kafka LogProducer on our own lean produce path (src/transport/kafka/wire/): acks=all,
 * idempotent, one send at a time per slot, several slots for overlapping sends (same contract and
 * the same reasons as the kafkajs KafkaLogProducer in producer.ts, whose header explains them).
 * Why not kafkajs for producing: it cost ~70-100 CPU-µs per event in the API process, more than
 * everything else on the request path but Express (README, package choice; bench/RESULTS.md).
 *
 * Delivery rules, the ones that keep "every 200 is in the topic" and "no duplicates":
 * - each slot holds a producer id and epoch (InitProducerId) and a sequence number per partition;
 *   a send encodes each partition's batch ONCE, with the next sequence, and every retry resends
 *   those same bytes: if the broker already wrote the batch (e.g. the connection broke after the
 *   append), it answers DUPLICATE_SEQUENCE_NUMBER or acknowledges it again, and does not write it twice;
 * - retriable failures (connection lost, no leader, not enough replicas, timeouts) are retried
 *   `retries` times with back-off, re-reading metadata between attempts;
 * - when a send fails for good, the slot forgets its producer id: its sequence state is unknown
 *   (a batch may or may not be in the log), so the next send starts a fresh producer id rather
 *   than risk a batch being taken as a duplicate of one the broker never kept (the silent-loss trap).
 */
import { TransportError } from "../../errors";
import { Pool } from "../../pool";
import type { Logger } from "../../logger";
import type { LogProducer, OutgoingMessage } from "../transport";
import { toTransportError } from "./errors";
import { BrokerConnection } from "./wire/connection";
import { partitionForKey } from "../partitioner";
import { API, initProducerIdRequest, metadataRequest, produceRequest, readInitProducerId, readMetadata, readProduce, VERSION, type BrokerAddress } from "./wire/protocol";
import { encodeRecordBatch, type BatchRecord } from "./wire/record-batch";

export interface WireProducerOptions {
  brokers: string[];
  clientId: string;
  /** Sends in flight at once, each on its own producer id. */
  concurrency: number;
  ackTimeoutMs: number;
  requestTimeoutMs: number;
  retries: number;
  logger: Logger;
}

/** Error codes worth retrying with the same batch (Kafka's RetriableException subclasses). */
const RETRIABLE = new Set([3, 5, 6, 7, 8, 13, 14, 15, 19, 20, 51, 56, 74, 75]);
const DUPLICATE_SEQUENCE_NUMBER = 46;
/** Retries of a retriable InitProducerId answer: 0.1, 0.2, 0.4, 0.8, then 1 s apart, ~15 s in all. */
const INIT_ATTEMPTS = 18;

interface Slot {
  producer: { id: number; epoch: number } | null;
  sequences: Map<string, number>;
  connections: Map<string, BrokerConnection>;
}

export class WireKafkaProducer implements LogProducer {
  private readonly slots: Slot[];
  private readonly pool: Pool<Slot>;
  private readonly topics = new Map<string, number[]>();
  private brokers = new Map<number, BrokerAddress>();
  private readonly bootstrap: { host: string; port: number }[];
  private roundRobin = 0;
  private closed = false;

  constructor(private readonly options: WireProducerOptions) {
    this.bootstrap = options.brokers.map(parseBroker);
    this.slots = Array.from({ length: Math.max(1, options.concurrency) }, () => ({ producer: null, sequences: new Map(), connections: new Map() }));
    this.pool = new Pool(this.slots);
  }

  /** Reads the cluster's brokers and takes the first slot's producer id: a broker that is down is reported at once. */
  async connect(): Promise<void> {
    const slot = this.slots[0];
    try {
      await this.refreshMetadata(slot, []);
      await this.producerOf(slot);
    } catch (error) {
      this.reset(slot);
      throw toTransportError("producer connect", error);
    }
  }

  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new TransportError("the Kafka producer is closed", { retriable: false });
    if (messages.length === 0) return;
    await this.pool.use(async (slot) => {
      try {
        if (this.closed) throw new TransportError("the Kafka producer is closed", { retriable: false });
        await this.deliver(slot, topic, messages);
      } catch (error) {
        this.reset(slot);
        throw toTransportError(`send to ${topic}`, error);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots) for (const c of slot.connections.values()) c.close();
  }

  /** 1. metadata and producer id, 2. one batch per partition, 3. produce until every partition is acknowledged. */
  private async deliver(slot: Slot, topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const leaders = this.topics.get(topic) ?? (await this.refreshMetadata(slot, [topic]));
    const producer = await this.producerOf(slot);
    if (leaders.length === 0) throw new TransportError(`Kafka topic ${topic} has no partitions`, { retriable: true });
    const byPartition = this.partition(leaders.length, messages);
    const batches = new Map<number, Buffer>();
    for (const [partition, records] of byPartition) {
      const key = `${topic}/${partition}`;
      const baseSequence = slot.sequences.get(key) ?? 0;
      batches.set(partition, encodeRecordBatch(records, { producerId: producer.id, producerEpoch: producer.epoch, baseSequence }));
      slot.sequences.set(key, (baseSequence + records.length) % 2 ** 31);
    }
    let lastError: TransportError | null = null;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) {
        await sleep(backoffMs(attempt - 1));
        if (this.closed) throw new TransportError("the Kafka producer is closed", { retriable: false });
        await this.refreshMetadata(slot, [topic]).catch((error: unknown) => (lastError = toTransportError("metadata", error)));
      }
      lastError = (await this.produceOnce(slot, topic, batches)) ?? lastError;
      if (batches.size === 0) return;
    }
    throw lastError ?? new TransportError(`Kafka send to ${topic} failed`, { retriable: true });
  }

  /** One round of Produce requests, one per leader; removes acknowledged partitions from `batches`. */
  private async produceOnce(slot: Slot, topic: string, batches: Map<number, Buffer>): Promise<TransportError | null> {
    const leaders = this.topics.get(topic) ?? [];
    const perLeader = new Map<number, Map<number, Buffer>>();
    for (const [partition, batch] of batches) {
      const leader = leaders[partition] ?? -1;
      if (!perLeader.has(leader)) perLeader.set(leader, new Map());
      perLeader.get(leader)!.set(partition, batch);
    }
    let failure: TransportError | null = null;
    await Promise.all([...perLeader].map(async ([leader, part]) => {
      try {
        if (leader < 0 || !this.brokers.has(leader)) throw new TransportError(`no leader for ${topic}`, { retriable: true });
        const reader = await this.connection(slot, this.brokers.get(leader)!).request(API.produce, VERSION.produce, produceRequest(topic, this.options.ackTimeoutMs, part));
        for (const [partition, { errorCode, message }] of readProduce(reader)) {
          if (errorCode === 0 || errorCode === DUPLICATE_SEQUENCE_NUMBER) {
            batches.delete(partition);
            continue;
          }
          const error = new TransportError(`Kafka send to ${topic}/${partition} failed: error code ${errorCode}${message ? ` (${message})` : ""}`, { retriable: RETRIABLE.has(errorCode) });
          if (!error.retriable) throw error;
          failure = error;
        }
      } catch (error) {
        const e = toTransportError(`send to ${topic}`, error);
        if (!e.retriable) throw e;
        failure = e;
      }
    }));
    return failure;
  }

  /** Messages grouped by partition, keyed ones by murmur2 (as kafkajs and the Java client do). */
  private partition(partitions: number, messages: readonly OutgoingMessage[]): Map<number, BatchRecord[]> {
    const now = Date.now();
    const out = new Map<number, BatchRecord[]>();
    for (const m of messages) {
      const key = m.key ?? null;
      const partition = partitionForKey(key, partitions, this.roundRobin++);
      let list = out.get(partition);
      if (!list) out.set(partition, (list = []));
      list.push({ key, value: m.value, timestamp: m.timestamp ?? now });
    }
    return out;
  }

  /**
   * The slot's producer id. A cluster's first InitProducerId creates the transaction-state topic,
   * and until its coordinator has loaded (seconds on a fresh broker) the answer is a retriable
   * COORDINATOR_LOAD_IN_PROGRESS or COORDINATOR_NOT_AVAILABLE: those are retried for up to ~15 s.
   */
  private async producerOf(slot: Slot): Promise<{ id: number; epoch: number }> {
    for (let attempt = 0; !slot.producer; attempt++) {
      const broker = [...this.brokers.values()][0] ?? { nodeId: -1, ...this.bootstrap[0] };
      const answer = readInitProducerId(await this.connection(slot, broker).request(API.initProducerId, VERSION.initProducerId, initProducerIdRequest()));
      if (answer.errorCode === 0) {
        slot.producer = { id: answer.producerId, epoch: answer.producerEpoch };
        slot.sequences.clear();
        break;
      }
      const error = new TransportError(`Kafka InitProducerId failed: error code ${answer.errorCode}`, { retriable: RETRIABLE.has(answer.errorCode) });
      if (!error.retriable || attempt >= INIT_ATTEMPTS) throw error;
      await sleep(backoffMs(attempt));
      if (this.closed) throw new TransportError("the Kafka producer is closed", { retriable: false });
    }
    return slot.producer!;
  }

  /** Reads brokers and the topics' partition leaders; resolves with the leaders of the first topic. */
  private async refreshMetadata(slot: Slot, topics: string[]): Promise<number[]> {
    const known = [...this.brokers.values()];
    const candidates = known.length > 0 ? [...known, ...this.bootstrap] : this.bootstrap;
    let lastError: unknown = null;
    for (const broker of candidates) {
      try {
        const metadata = readMetadata(await this.connection(slot, broker).request(API.metadata, VERSION.metadata, metadataRequest(topics)));
        this.brokers = new Map(metadata.brokers.map((b) => [b.nodeId, b]));
        for (const [name, t] of metadata.topics) {
          if (t.errorCode === 0) this.topics.set(name, t.leaders);
          else if (name === topics[0]) throw new TransportError(`Kafka metadata for ${name}: error code ${t.errorCode}`, { retriable: RETRIABLE.has(t.errorCode) });
        }
        return topics.length > 0 ? this.topics.get(topics[0]) ?? [] : [];
      } catch (error) {
        lastError = error;
        if (error instanceof TransportError && !error.retriable) throw error;
      }
    }
    throw toTransportError("metadata", lastError);
  }

  private connection(slot: Slot, broker: { host: string; port: number }): BrokerConnection {
    const key = `${broker.host}:${broker.port}`;
    let c = slot.connections.get(key);
    if (!c || c.broken) {
      c = new BrokerConnection(broker.host, broker.port, this.options.clientId, this.options.requestTimeoutMs);
      slot.connections.set(key, c);
    }
    return c;
  }

  /** Forgets the slot's producer id and connections after a failed send (see the header). */
  private reset(slot: Slot): void {
    if (slot.producer) this.options.logger.debug("dropping the producer id after a failed send", { producerId: slot.producer.id });
    slot.producer = null;
    slot.sequences.clear();
    for (const c of slot.connections.values()) c.close();
    slot.connections.clear();
  }
}

function parseBroker(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(":");
  return at < 0 ? { host: address, port: 9092 } : { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

/** Wait before the n-th retry (from 0): 100 ms doubling, at most 1 s. */
function backoffMs(n: number): number {
  return Math.min(1000, 100 * 2 ** n);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
