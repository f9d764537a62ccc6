import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as net from "node:net";
import { describe, it } from "node:test";
import { startApiOn } from "../../src/api";
import { silentLogger } from "../../src/logger";
import { EmbeddedLog, type Transport } from "../../src/transport";
import { waitUntil } from "../helpers/wait";
import { readLog, tempDataDir, testConfig } from "./helpers";

/** The embedded log behind a gate: sends wait until `open()`; `sending` resolves at the first send. */
function gatedLog(file: string) {
  const log = new EmbeddedLog({ file, logger: silentLogger });
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let sent!: () => void;
  const sending = new Promise<void>((resolve) => (sent = resolve));
  const transport: Transport = Object.assign(Object.create(log) as Transport, {
    producer: async () => {
      const producer = await log.producer();
      return {
        send: async (...args: Parameters<typeof producer.send>) => {
          sent();
          await gate;
          return producer.send(...args);
        },
        close: () => producer.close(),
      };
    },
  });
  return { transport, open, sending, close: () => log.close() };
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Parses consecutive HTTP/1.1 responses (JSON bodies with Content-Length) from raw bytes. */
function parseResponses(raw: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) break;
    const [statusLine, ...lines] = rest.slice(0, end).split("\r\n");
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
    const length = Number(headers["content-length"] ?? 0);
    const body = rest.slice(end + 4, end + 4 + length);
    out.push({ status: Number(statusLine.split(" ")[1]), headers, body: JSON.parse(body) as Record<string, unknown> });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

const get = (target: string, player: string) => `GET ${target} HTTP/1.1\r\nHost: ${player}\r\nConnection: keep-alive\r\n\r\n`;

describe("API shutdown", () => {
  it("answers a request that arrives during shutdown 503 with Retry-After, after answering the one it had accepted", async () => {
    const config = testConfig(tempDataDir());
    const log = gatedLog(config.transport.embeddedPath);
    await log.transport.ensureTopic(config.transport.topic, { partitions: 1 });
    // Event ids are made as a request is handled, just before its event is published.
    let handled = 0;
    const newId = () => (handled++, randomUUID());
    const api = await startApiOn({ api: config.api, topic: config.transport.topic, transport: log.transport, logger: silentLogger, newId });
    // One keep-alive connection: a client's next request on it reaches the server while it drains.
    const socket = net.connect(api.port, "127.0.0.1");
    let raw = "";
    socket.on("data", (d) => (raw += d.toString("utf8")));
    const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    try {
      socket.write(get("/purchase_a_sword/katana", "early.example.com"));
      await log.sending; // the first request's event is in flight
      const closed = api.close();
      socket.write(get("/purchase_a_sword/sabre", "late.example.com"));
      await waitUntil(() => handled === 2, "the second request handled", { everyMs: 5 });
      log.open();
      await closed;
      await ended;
    } finally {
      socket.destroy();
      await log.close();
    }
    const [first, second] = parseResponses(raw);
    assert.equal(first?.status, 200, raw);
    assert.equal(second?.status, 503, raw);
    assert.equal(second.headers["retry-after"], "5");
    assert.equal(second.body.error, "log_unavailable");
    assert.match(String(second.body.message), /shutting down/);
    assert.deepEqual(readLog(config).map((e) => e.event_id), [first.body.event_id], "only the accepted request's event is in the log");
  });
});
