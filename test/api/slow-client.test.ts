import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, it } from "node:test";
import { startApi, type ApiServer } from "../../src/api";
import { silentLogger } from "../../src/logger";
import { request, tempDataDir, testConfig } from "./helpers";

const HEADERS_TIMEOUT_MS = 2000;
/** node checks timeouts once a second (connectionsCheckingInterval): the bound is the timeout plus that. */
const BOUND_MS = HEADERS_TIMEOUT_MS + 1000 + 300;

interface SlowOutcome {
  closedAfterMs: number;
  answer: string;
}

/** A client that opens a connection and trickles a request head that never ends (or sends nothing). */
function slowClient(url: URL, trickle: boolean): Promise<SlowOutcome> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(Number(url.port), url.hostname);
    let answer = "";
    let timer: NodeJS.Timeout | undefined;
    socket.on("connect", () => {
      if (!trickle) return;
      socket.write("GET / HTTP/1.1\r\nHost: slow.example\r\n");
      timer = setInterval(() => socket.writable && socket.write("X-Slow: 1\r\n"), 100);
    });
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - started, answer });
    });
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`a slow connection was still open after ${BOUND_MS * 3} ms`));
    }, BOUND_MS * 3).unref();
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
    const slow = Promise.all([
      ...Array.from({ length: 40 }, () => slowClient(url, true)),
      ...Array.from({ length: 10 }, () => slowClient(url, false)),
    ]);
    // Meanwhile, ordinary players keep playing.
    const served: { status: number; ms: number }[] = [];
    const stopAt = Date.now() + BOUND_MS;
    while (Date.now() < stopAt) {
      const started = Date.now();
      const reply = await request(api.url, "/purchase_a_sword/sabre", { headers: { "x-player-id": `p${served.length}` } });
      served.push({ status: reply.status, ms: Date.now() - started });
      await new Promise((r) => setTimeout(r, 20));
    }
    const outcomes = await slow;

    const latest = Math.max(...outcomes.map((o) => o.closedAfterMs));
    assert.ok(latest <= BOUND_MS, `the last slow connection was cut after ${latest} ms (bound ${BOUND_MS} ms)`);
    assert.ok(Math.min(...outcomes.map((o) => o.closedAfterMs)) >= HEADERS_TIMEOUT_MS - 50, "cut before its timeout");
    const trickled = outcomes.slice(0, 40);
    assert.ok(trickled.every((o) => o.answer.startsWith("HTTP/1.1 408 ") && o.answer.includes('"error":"request_timeout"')), trickled[0].answer);
    assert.ok(served.length >= 20, `only ${served.length} requests served meanwhile`);
    assert.deepEqual([...new Set(served.map((s) => s.status))], [200]);
    // Had the slow connections exhausted the server, a request would wait until they were cut.
    const slowest = Math.max(...served.map((s) => s.ms));
    assert.ok(slowest < HEADERS_TIMEOUT_MS, `a served request took ${slowest} ms, as long as the slow clients were held`);
  });
});
