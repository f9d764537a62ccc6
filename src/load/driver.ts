/**
 * Sends lanes of planned requests with autocannon: one connection per lane, one request in
 * flight per connection (pipelining 1), so each player's requests arrive in order. Each request
 * carries an Idempotency-Key (`<run>-<seq>`), and a 503 or a request that got no answer (timeout,
 * broken connection) is sent again with the same key, up to `maxRetries` times, before the lane
 * moves on: the API answers a retry of a request it already carried out with the original answer
 * and logs nothing new, so every request ends with exactly one event and one final answer. Records
 * that final answer; a request still unanswered after its retries is reported as unanswered, since
 * the API may or may not have applied it.
 */
import autocannon from "autocannon";
import type { Secret } from "../secret";
import type { Lanes } from "./lanes";
import type { PlannedRequest } from "./request";

export interface Answered {
  request: PlannedRequest;
  status: number;
}

export interface DriveProgress {
  answered: number;
  /** Known in request-count runs; undefined in duration runs. */
  total?: number;
  elapsedMs: number;
  durationMs?: number;
}

export interface DriveOptions {
  url: string;
  lanes: Lanes;
  /** Overall requests per second; undefined or 0 means as fast as possible. */
  rate?: number;
  /** Stop after this long (lanes are then unbounded). Without it, every lane is sent to the end. */
  durationMs?: number;
  /** Per-request timeout in seconds (autocannon's `timeout`). */
  timeoutSec?: number;
  /** Sent as X-Api-Key when the API asks for a key. */
  apiKey?: Secret | null;
  /** Prefix of the requests' Idempotency-Keys (`<keyPrefix>-<seq>`); null sends no key and retries nothing. */
  keyPrefix: string | null;
  /** Times one request is sent again after a 503 or no answer (default 5). */
  maxRetries?: number;
  onProgress?: (progress: DriveProgress) => void;
  progressIntervalMs?: number;
}

export interface DriveResult {
  answered: Answered[];
  unanswered: PlannedRequest[];
  /** Latency percentiles in ms, as autocannon measured them. */
  latency: { p50: number; p90: number; p99: number; mean: number; max: number };
  errors: number;
  timeouts: number;
  /** Requests sent again with their key (after a 503 or no answer). */
  retries: number;
  elapsedMs: number;
}

/** autocannon's client, with the fields this driver relies on (see lib/httpClient.js). */
interface CannonClient extends autocannon.Client {
  responseMax?: number;
  reqsMade: number;
}

/** Runs the lanes to completion (or until the duration ends) and returns every answer. */
export function drive(options: DriveOptions): Promise<DriveResult> {
  const { lanes } = options;
  const answered: Answered[] = [];
  const unanswered: PlannedRequest[] = [];
  const inFlight = new Array<PlannedRequest | undefined>(lanes.count).fill(undefined);
  const clients: CannonClient[] = [];
  const started = Date.now();
  let lastAnswerAt = started;
  const origin = new URL(options.url);
  const basePath = origin.pathname.replace(/\/$/, "");
  const apiKey = options.apiKey?.reveal();

  const maxRetries = options.keyPrefix === null ? 0 : options.maxRetries ?? 5;
  const attempts = new Array<number>(lanes.count).fill(0);
  /** Per lane, the request to send again (its key makes the retry safe). */
  const again = new Array<PlannedRequest | undefined>(lanes.count).fill(undefined);
  let retries = 0;

  const setupClient = (raw: autocannon.Client): void => {
    const client = raw as CannonClient;
    const lane = clients.length;
    clients.push(client);
    // autocannon stops a client once reqsMade reaches responseMax: a fixed lane's length (plus its
    // retries), or, in duration runs, the count at the deadline (so the request in flight completes).
    client.responseMax = lanes.sizes ? lanes.sizes[lane] : undefined;
    /** Sends `request` again on this lane if it has retries left; false when it is given up. */
    const retry = (request: PlannedRequest): boolean => {
      if (attempts[lane] >= maxRetries) return false;
      attempts[lane]++;
      retries++;
      again[lane] = request;
      if (client.responseMax !== undefined) client.responseMax++;
      return true;
    };
    client.setRequests([
      {
        setupRequest: (request) => {
          const lost = inFlight[lane];
          if (lost && !retry(lost)) unanswered.push(lost);
          const next = again[lane] ?? lanes.next(lane);
          if (again[lane] === undefined) attempts[lane] = 0;
          again[lane] = undefined;
          inFlight[lane] = next;
          if (!next) return request; // only reached if a lane ends early; its client is stopped below
          const headers: Record<string, string> = { Host: next.host, "User-Agent": next.userAgent, Accept: "*/*" };
          if (next.playerHeader) headers["X-Player-Id"] = next.playerHeader;
          if (apiKey !== undefined) headers["X-Api-Key"] = apiKey;
          if (options.keyPrefix !== null) headers["Idempotency-Key"] = `${options.keyPrefix}-${next.seq}`;
          return { ...request, method: "GET", path: basePath + next.path, headers };
        },
        onResponse: (status) => {
          const request = inFlight[lane];
          inFlight[lane] = undefined;
          if (request && !(status === 503 && retry(request))) answered.push({ request, status });
          lastAnswerAt = Date.now();
        },
      },
    ]);
  };

  if (options.rate && options.rate > 0 && options.rate < lanes.count) {
    // autocannon would silently drop connections (and with them whole lanes of players).
    return Promise.reject(new RangeError(`rate ${options.rate}/s is below the ${lanes.count} connections`));
  }
  return new Promise((resolve, reject) => {
    let progressTimer: NodeJS.Timeout | undefined;
    let deadline: NodeJS.Timeout | undefined;
    const instance = autocannon(
      {
        url: origin.origin,
        connections: lanes.count,
        pipelining: 1,
        // The run ends when every client has stopped; this only bounds a stuck run
        // (setTimeout overflows past 2^31 ms, hence well under 24 days).
        duration: 2_000_000,
        overallRate: options.rate && options.rate > 0 ? options.rate : undefined,
        timeout: options.timeoutSec ?? 10,
        setupClient,
      },
      (error: Error | null, result) => {
        clearInterval(progressTimer);
        clearTimeout(deadline);
        if (error) return reject(error);
        for (const request of inFlight) if (request) unanswered.push(request);
        const l = result.latency;
        resolve({
          answered,
          unanswered,
          latency: { p50: l.p50, p90: l.p90, p99: l.p99, mean: l.mean, max: l.max },
          errors: result.errors,
          timeouts: result.timeouts,
          retries,
          // Up to the last answer: autocannon itself only notices the end on its next 1 s tick.
          elapsedMs: lastAnswerAt - started,
        });
      },
    );
    instance.on("error", reject);
    const report = () =>
      options.onProgress?.({
        answered: answered.length,
        total: lanes.sizes?.reduce((a, b) => a + b, 0),
        elapsedMs: Date.now() - started,
        durationMs: options.durationMs,
      });
    progressTimer = setInterval(report, options.progressIntervalMs ?? 250);
    if (options.durationMs !== undefined) {
      deadline = setTimeout(() => {
        for (const client of clients) client.responseMax = client.reqsMade;
      }, options.durationMs);
    }
  });
}
