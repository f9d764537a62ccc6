/**
 * The embedded durable log: the Transport for the no-server default. One SQLite file under
 * DATA_DIR, shared by the API (appends, through a worker thread) and the sink (reads), which
 * holds a lease on the topic while it writes (lease.ts: one sink per log and warehouse).
 */
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { TransportError } from "../../errors";
import type { Logger } from "../../logger";
import type { ConsumeOptions, LogProducer, Offsets, OutgoingMessage, ReadOptions, Subscription, Transport } from "../transport";
import { readBounded } from "./bounded-read";
import { LeaseStore } from "./lease-store";
import { PollingSubscription } from "./polling-subscription";
import { LogStore, openLogDb } from "./store";
import type { AppendReply, AppendRequest } from "./worker";

export interface EmbeddedLogOptions {
  file: string;
  /** Partitions given to topics created implicitly by a send. */
  defaultPartitions?: number;
  /** How long a locked file is waited for before an append fails. */
  busyTimeoutMs?: number;
  /** Idle wait between polls when a consumer has caught up. */
  pollIntervalMs?: number;
  logger: Logger;
}

export class EmbeddedLog implements Transport {
  readonly kind = "embedded" as const;
  private readonly store: LogStore;
  private readonly leases: LeaseStore;
  private readonly producers = new Set<LogProducer>();
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly options: EmbeddedLogOptions) {
    try {
      this.store = new LogStore(openLogDb(options.file, options.busyTimeoutMs ?? 2000));
      this.leases = new LeaseStore(this.store.db);
    } catch (error) {
      throw new TransportError(`cannot open embedded log ${options.file}`, { cause: error, retriable: false });
    }
  }

  async ensureTopic(topic: string, options: { partitions: number }): Promise<void> {
    this.store.ensureTopic(topic, options.partitions);
  }

  async producer(): Promise<LogProducer> {
    const producer = new EmbeddedProducer(this.options);
    this.producers.add(producer);
    return producer;
  }

  async partitionsFor(topic: string): Promise<number[]> {
    return [...this.store.heads(topic).keys()];
  }

  async endOffsets(topic: string): Promise<Offsets> {
    return this.store.heads(topic);
  }

  async startOffsets(topic: string): Promise<Offsets> {
    return this.store.firstOffsets(topic);
  }

  async consume(options: ConsumeOptions): Promise<Subscription> {
    const subscription = await PollingSubscription.start(options, {
      store: this.store,
      leases: this.leases,
      pollIntervalMs: this.options.pollIntervalMs ?? 25,
      logger: this.options.logger.child("consumer"),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  read(options: ReadOptions): Promise<void> {
    return readBounded(this.store, options);
  }

  async commitOffsets(groupId: string, topic: string, offsets: Offsets): Promise<void> {
    this.store.commit(groupId, topic, offsets);
  }

  async committedOffsets(groupId: string, topic: string): Promise<Offsets> {
    return this.store.committed(groupId, topic);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await Promise.all([...this.producers].map((p) => p.close()));
    this.store.db.close();
  }
}

/** Sends batches to the writer worker and resolves each once its transaction has committed. */
class EmbeddedProducer implements LogProducer {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: EmbeddedLogOptions) {
    this.worker = new Worker(path.join(__dirname, "worker.js"), {
      workerData: { file: options.file, busyTimeoutMs: options.busyTimeoutMs ?? 2000 },
    });
    this.worker.on("message", (reply: AppendReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!waiter) return;
      if (reply.error) waiter.reject(new TransportError(`embedded log append failed: ${reply.error}`));
      else waiter.resolve();
    });
    this.worker.on("error", (error) => this.failAll(new TransportError("embedded log writer crashed", { cause: error })));
    this.worker.on("exit", () => this.failAll(new TransportError("embedded log writer stopped")));
    this.worker.unref();
  }

  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError("producer is closed", { retriable: false }));
    if (messages.length === 0) return Promise.resolve();
    const now = Date.now();
    const request: AppendRequest = {
      id: this.nextId++,
      topic,
      defaultPartitions: this.options.defaultPartitions ?? 1,
      batch: messages.map((m) => ({
        key: m.key ?? null,
        value: typeof m.value === "string" ? Buffer.from(m.value) : m.value,
        timestamp: m.timestamp ?? now,
      })),
    };
    return new Promise<void>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage(request);
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Appends already posted are finished by the worker before it sees the termination.
    while (this.pending.size > 0) await new Promise((r) => setTimeout(r, 5));
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
