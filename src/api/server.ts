/**
 * Starts the game API: catalogue, state store (brought up to the log), publisher and HTTP server.
 * Used by `npm run api`, `npm start`, the load simulator, the notebooks and the tests.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { ApiConfig, Config } from "../config";
import type { Logger } from "../logger";
import { createTransport, type LogProducer, type Transport } from "../transport";
import { createApp, type FateListener } from "./app";
import { loadCatalog } from "./catalog";
import { systemClock, type Clock } from "./clock";
import { Guard, type RefusalCounts } from "./guard";
import { createHttpServer } from "./http-server";
import { BatchingPublisher, type PublisherStats } from "./publisher";
import { openStateStore, replayLog, startCatchUp, type StateStore } from "./state";

export interface ApiServer {
  /** Base URL, e.g. http://127.0.0.1:5000 */
  readonly url: string;
  readonly port: number;
  /** Publisher counters (batches, events, time in flight) and requests refused by the guard. */
  stats(): ApiStats;
  /** Stops accepting, answers every accepted request (flushing its event), closes what it opened. */
  close(): Promise<void>;
}

export type ApiStats = PublisherStats & RefusalCounts;

/** How often the counts of refused requests (401, 429) are logged, when they changed. */
const REFUSALS_LOG_MS = 10_000;

export interface StartOptions {
  api: ApiConfig;
  topic: string;
  transport: Transport;
  logger: Logger;
  /** Close the transport on close() (startApi does; callers sharing a transport do not). */
  ownsTransport?: boolean;
  clock?: Clock;
  newId?: () => string;
  /** A state store the caller opened and closes (default: the one `api.store` names, closed on close()). */
  store?: StateStore;
}

/** Starts the API on the transport the configuration names, creating the topic if needed. */
export async function startApi(config: Config, logger: Logger): Promise<ApiServer> {
  const transport = await createTransport(config.transport, logger);
  try {
    const { topic, partitions, replicationFactor } = config.transport;
    await transport.ensureTopic(topic, { partitions, replicationFactor });
    return await startApiOn({ api: config.api, topic, transport, logger, ownsTransport: true });
  } catch (error) {
    await transport.close().catch(() => undefined);
    throw error;
  }
}

/** Starts the API on an existing transport (the topic must exist or be creatable by a send). */
export async function startApiOn(options: StartOptions): Promise<ApiServer> {
  const { api, logger, transport } = options;
  const log = logger.child("api");
  const clock = options.clock ?? systemClock;
  // 1. Catalogue and state store: fail before listening when either is unusable.
  const catalog = loadCatalog(api.catalogFile, api.maxNameLength);
  const store = options.store ?? (await openStateStore(api.store, log.child("state")));
  // 2. The log is the source of truth: apply what it holds that the store lacks (a crash between
  //    a log write and its store write), and restore the idempotency keys of the window.
  let producer: LogProducer | undefined;
  try {
    await replayLog({ transport, topic: options.topic, store, windowMs: api.idempotencyWindowMs, now: () => clock.now(), logger: log.child("replay") });
    await store.expireKeys(clock.now() - api.idempotencyWindowMs);
    producer = await transport.producer({ concurrency: api.publish.maxInFlight });
  } catch (error) {
    if (!options.store) await store.close().catch(() => undefined);
    throw error;
  }
  // 3. Publisher: tells each request whether its event landed; the request then records it (or not).
  const publisher = new BatchingPublisher<FateListener>({
    producer,
    topic: options.topic,
    ...api.publish,
    clock,
    logger: log.child("publish"),
    onFate: (stored, lost) => {
      for (const fate of stored) fate.settle(true);
      for (const fate of lost) fate.settle(false);
    },
  });
  const catchUp = startCatchUp({ transport, topic: options.topic, store, windowMs: api.idempotencyWindowMs, now: () => clock.now(), logger: log.child("catch-up"), quiet: true, intervalMs: api.catchUpIntervalMs });
  const expiry = setInterval(() => {
    store.expireKeys(clock.now() - api.idempotencyWindowMs).catch((error) => log.warn("could not expire idempotency keys", { error: String(error) }));
  }, Math.min(api.idempotencyWindowMs, 60_000));
  expiry.unref();
  // 4. HTTP server, behind the guard (API keys, rate limits).
  const guard = new Guard(api, clock);
  const app = createApp({
    catalog,
    publisher,
    store,
    logger: log,
    clock,
    newId: options.newId ?? randomUUID,
    maxNameLength: api.maxNameLength,
    idempotencyWindowMs: api.idempotencyWindowMs,
    // A request waits for its locks no longer than it would wait for the log.
    lockWaitMs: api.publish.timeoutMs,
    guard,
    beforeRecord: crashBeforeStore(api.crashBeforeStore),
    settleClaim: (claim) => catchUp.settle(claim),
  });
  const server = createHttpServer(app, api.timeouts);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(api.port, api.host, () => resolve());
  }).catch(async (error) => {
    clearInterval(expiry);
    await catchUp.stop();
    await producer.close();
    if (!options.store) await store.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const host = api.host === "0.0.0.0" || api.host === "::" ? "127.0.0.1" : api.host;
  log.info("listening", { url: `http://${host}:${port}`, topic: options.topic, log: transport.kind, store: store.kind, apiKeys: api.keys.length });
  const refusals = logRefusals(guard, log);

  let closing: Promise<void> | null = null;
  const close = async () => {
    refusals.stop();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await publisher.close();
    // Every accepted request is answered now, but not every answer is on its socket yet: a keep-alive
    // client that pipelined a request during the drain has its 503 queued behind the answer just
    // ended, and node counts such a connection as idle (its current response has ended), so closing
    // idle connections at once cut that 503 off. Sweep a moment later, and again until every
    // connection is gone; cut whatever still hangs after a second.
    const sweep = setInterval(() => server.closeIdleConnections(), 20);
    const cut = setTimeout(() => server.closeAllConnections(), 1000);
    await closed;
    clearInterval(sweep);
    clearTimeout(cut);
    clearInterval(expiry);
    await catchUp.stop();
    await producer.close();
    if (!options.store) await store.close();
    if (options.ownsTransport) await transport.close();
    log.info("stopped", { ...publisher.stats(), ...guard.counts });
  };
  return {
    url: `http://${host}:${port}`,
    port,
    stats: () => ({ ...publisher.stats(), ...guard.counts }),
    close: () => (closing ??= close()),
  };
}

/** Logs the refusal counts every REFUSALS_LOG_MS when they changed: one line, however many refusals. */
function logRefusals(guard: Guard, log: Logger): { stop(): void } {
  let last = { ...guard.counts };
  const timer = setInterval(() => {
    const now = guard.counts;
    if (now.unauthorized === last.unauthorized && now.rateLimited === last.rateLimited) return;
    log.warn("requests refused", {
      unauthorized: now.unauthorized - last.unauthorized,
      rateLimited: now.rateLimited - last.rateLimited,
      sinceMs: REFUSALS_LOG_MS,
      total: { ...now },
    });
    last = { ...now };
  }, REFUSALS_LOG_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The crash tests' fault: SIGKILL on the nth logged-but-not-yet-stored request, the window replay closes. */
function crashBeforeStore(nth: number): (() => void) | undefined {
  if (nth <= 0) return undefined;
  let seen = 0;
  return () => {
    if (++seen >= nth) process.kill(process.pid, "SIGKILL");
  };
}
