/**
 * One TCP connection to one broker: size-prefixed frames out, responses matched by correlation id.
 * Any socket error, close or request timeout fails every request waiting on it (retriable) and
 * ends the connection: the producer then opens a new one, and retries with the same producer id
 * and sequence numbers so the broker drops a batch it already wrote.
 */
import * as net from "node:net";
import { TransportError } from "../../../errors";
import { frame, Reader } from "./protocol";

interface Waiting {
  resolve: (body: Reader) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class BrokerConnection {
  private readonly socket: net.Socket;
  private readonly ready: Promise<void>;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failure: TransportError | null = null;

  constructor(readonly host: string, readonly port: number, private readonly clientId: string, private readonly timeoutMs: number) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once("connect", resolve);
      this.socket.once("error", reject);
    });
    this.ready.catch(() => undefined);
    this.socket.on("data", (chunk: Buffer) => this.receive(chunk));
    this.socket.on("error", (error) => this.fail(new TransportError(`Kafka broker ${host}:${port}: ${error.message}`, { retriable: true, cause: error })));
    this.socket.on("close", () => this.fail(new TransportError(`Kafka broker ${host}:${port} closed the connection`, { retriable: true })));
    this.socket.setTimeout(0);
  }

  get broken(): boolean {
    return this.failure !== null;
  }

  /** Sends one request and resolves with a reader over its response body. */
  async request(apiKey: number, version: number, body: Buffer): Promise<Reader> {
    if (this.failure) throw this.failure;
    try {
      await this.ready;
    } catch (error) {
      throw this.failure ?? new TransportError(`Kafka broker ${this.host}:${this.port}: ${String(error)}`, { retriable: true, cause: error });
    }
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const response = new Promise<Reader>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new TransportError(`Kafka broker ${this.host}:${this.port} did not answer within ${this.timeoutMs} ms`, { retriable: true })), this.timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
    });
    this.socket.write(frame(apiKey, version, id, this.clientId, body));
    return response;
  }

  close(): void {
    this.fail(new TransportError("the Kafka connection was closed", { retriable: false }));
  }

  private receive(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (this.pendingBytes >= 4) {
      let buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
      const size = buf.readInt32BE(0);
      if (buf.length < 4 + size) {
        this.pending = [buf];
        return;
      }
      const id = buf.readInt32BE(4);
      const body = buf.subarray(8, 4 + size);
      buf = buf.subarray(4 + size);
      this.pending = buf.length > 0 ? [buf] : [];
      this.pendingBytes = buf.length;
      const waiter = this.waiting.get(id);
      if (!waiter) continue; // the answer to a request that already failed
      this.waiting.delete(id);
      clearTimeout(waiter.timer);
      waiter.resolve(new Reader(body));
    }
  }

  private fail(error: TransportError): void {
    if (!this.failure) this.failure = error;
    for (const waiter of this.waiting.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiting.clear();
    this.socket.destroy();
  }
}
