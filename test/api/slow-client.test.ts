import assert from "node:assert/strict";
import * as net from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { after, before, describe, it } from "node:test";
import { startApi, type ApiServer } from "../../src/api";
import { silentLogger } from "../../src/logger";
import { request, tempDataDir, testConfig } from "./helpers";

const HEADERS_TIMEOUT_MS = 2000;
/** node checks timeouts once a second (connectionsCheckingInterval): the bound is the timeout plus that. */
const BOUND_MS = HEADERS_TIMEOUT_MS + 1000 + 300;
/** How long the test waits for a slow connection to be cut at all before it calls it a hang. */
const HANG_MS = 30_000;

interface SlowOutcome {
  startedAt: number;
  connectedAt: number;
  closedAt: number;
  answer: string;
}

/** A client that opens a connection and trickles a request head that never ends (or sends nothing). */
function slowClient(url: URL, trickle: boolean): Promise<SlowOutcome> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const socket = net.connect(Number(url.port), url.hostname);
    let answer = "";
    let connectedAt = Number.NaN;
    let timer: NodeJS.Timeout | undefined;
    socket.on("connect", () => {
      connectedAt = Date.now();
      if (!trickle) return;
      socket.write("GET / HTTP/1.1\r\nHost: slow.example\r\n");
      timer = setInterval(() => socket.writable && socket.write("X-Slow: 1\r\n"), 100);
    });
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ startedAt, connectedAt, closedAt: Date.now(), answer });
    });
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`a slow connection was still open after ${HANG_MS} ms`));
    }, HANG_MS).unref();
  });
}

describe("slow clients", () => {
  let api: ApiServer;
  before(async () => {
    const config = testConfig(tempDataDir(), { API_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), API_REQUEST_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS) });
    api = await startApi(config, silentLogger);
  });
  after(() => api.close());

  it("are cut within the headers timeout while other clients are served", async () => {
    const url = new URL(api.url);
    // The server's timeout check runs on this process' event loop: on a loaded machine it runs late
    // by as long as the loop is held up, so the bound allows exactly that stall and no more.
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    const slow = Promise.all([
      ...Array.from({ length: 40 }, () => slowClient(url, true)),
      ...Array.from({ length: 10 }, () => slowClient(url, false)),
    ]);
    // Meanwhile, ordinary players keep playing until the slow connections are gone.
    const served: { status: number; sentAt: number; answeredAt: number }[] = [];
    let settled = false;
    void slow.finally(() => (settled = true)).catch(() => undefined);
    while (!settled) {
      const sentAt = Date.now();
      const reply = await request(api.url, "/purchase_a_sword/sabre", { headers: { "x-player-id": `p${served.length}` } });
      served.push({ status: reply.status, sentAt, answeredAt: Date.now() });
      await new Promise((r) => setTimeout(r, 20));
    }
    const outcomes = await slow;
    stalls.disable();

    // The server's clock for a connection starts when it accepts it: on a loaded machine that is
    // long after the client asked to connect, so the bound counts from the connection's opening.
    const stallMs = Math.ceil(stalls.max / 1e6);
    const latest = Math.max(...outcomes.map((o) => o.closedAt - o.connectedAt));
    assert.ok(latest <= BOUND_MS + stallMs, `a slow connection was cut ${latest} ms after it opened (bound ${BOUND_MS} ms + ${stallMs} ms the event loop stalled)`);
    const earliest = Math.min(...outcomes.map((o) => o.closedAt - o.startedAt));
    assert.ok(earliest >= HEADERS_TIMEOUT_MS - 50, `a slow connection was cut ${earliest} ms after it was asked for, before its timeout`);
    const trickled = outcomes.slice(0, 40);
    assert.ok(trickled.every((o) => o.answer.startsWith("HTTP/1.1 408 ") && o.answer.includes('"error":"request_timeout"')), trickled[0].answer);
    assert.deepEqual([...new Set(served.map((s) => s.status))], [200]);
    // Had the slow connections exhausted the server, a request sent once all of them were open
    // would only be answered after they were cut.
    const allOpen = Math.max(...outcomes.map((o) => o.connectedAt));
    const firstCut = Math.min(...outcomes.map((o) => o.closedAt));
    assert.ok(
      served.some((s) => s.sentAt >= allOpen && s.answeredAt < firstCut),
      `no request sent while all ${outcomes.length} slow connections were open was answered before the first was cut (${served.length} served)`,
    );
  });
});
