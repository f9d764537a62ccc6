/**
 * Closing a Kafka client leaves no broker connection open, also one the client's own pool forgot.
 * Against a local fake broker that cuts the first connection in the middle of its SCRAM exchange
 * (src/transport/kafka/close-client.ts says how the pool comes to forget the connection a retry
 * opens meanwhile). Checked that it fails with the client's close() alone: the retry's connection
 * stays open.
 */
import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { Admin } from "@platformatic/kafka";
import { createLogger, type LogLine } from "../../src/logger";
import { closeClient, trackConnections } from "../../src/transport/kafka/close-client";
import { waitUntil } from "../helpers/wait";
import { startFakeSaslBroker, type FakeSaslBroker } from "./fake-sasl-broker";

/** Enough PBKDF2 work that the client retries on a new connection before it notices the cut one failed. */
const ITERATIONS = 400_000;

describe("Kafka client close", () => {
  let broker: FakeSaslBroker;
  const sockets: Socket[] = [];
  const track = (message: unknown) => sockets.push((message as { socket: Socket }).socket);
  before(async () => {
    broker = await startFakeSaslBroker(undefined, { cutDuringScram: { iterations: ITERATIONS } });
    subscribe("net.client.socket", track);
  });
  after(async () => {
    unsubscribe("net.client.socket", track);
    await broker.close();
  });

  it("closes the connection a retry opened while a connection cut during SCRAM authentication was failing, and warns about it", async () => {
    const port = Number(broker.address.split(":")[1]);
    const openToBroker = () => sockets.filter((s) => !s.destroyed && s.remotePort === port);
    const admin = trackConnections(
      new Admin({
        clientId: "close-test",
        bootstrapBrokers: [broker.address],
        sasl: { mechanism: "SCRAM-SHA-512", username: "pipeline", password: "secret" },
        // Long enough that the retry's connection is not given up while the test looks at it.
        connectTimeout: 60_000,
        retries: 5,
        retryDelay: 10,
      }),
    );
    const pending = admin.metadata({ topics: [] }).catch((error: unknown) => error);

    // 1. The first connection is cut during SCRAM; the retry's connection is authenticating (the fake
    //    never answers it) when the first one reports its failure, and the pool drops the retry's entry.
    await waitUntil(() => broker.connections >= 2 && [...admin.connections].length === 0 && openToBroker().length === 1, "an open connection the pool no longer lists", { timeoutMs: 15_000 });

    // 2. Close: no connection to the broker is left, and the one the pool forgot is named in a warning.
    const lines: LogLine[] = [];
    await closeClient(admin, () => admin.close(), createLogger({ level: "warn", write: (line) => lines.push(line) }), "admin client");
    assert.deepEqual(
      openToBroker().map((s) => `${s.localPort}->${s.remotePort}`),
      [],
      "connections to the broker still open after close",
    );
    assert.ok(
      lines.some((line) => line.level === "warn" && /admin client left 1 broker connection\(s\) open/.test(line.msg)),
      `no warning about the forgotten connection: ${JSON.stringify(lines)}`,
    );
    await pending;
  });
});
