/**
 * A Kafka listener fake that knows only the start of an authenticated connection: ApiVersions v1,
 * SaslHandshake v1 and SaslAuthenticate v0, where it refuses every credential the way a broker
 * does (SASL_AUTHENTICATION_FAILED with a message). Plain TCP or TLS. It counts the connections
 * it accepted, so a test can check that a client gives up instead of retrying forever.
 *
 * With `cutDuringScram` it plays a connection cut in the middle of a SCRAM exchange instead: the
 * first connection gets the server's first SCRAM message (with that many PBKDF2 iterations, so the
 * client is still computing its proof when it learns of the cut) and is then closed; SaslAuthenticate
 * on later connections is never answered, so they stay open, authenticating.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import type { AddressInfo } from "node:net";

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
const SASL_AUTHENTICATION_FAILED = 58;

export interface FakeSaslBrokerOptions {
  cutDuringScram?: { iterations: number };
}

export interface FakeSaslBroker {
  address: string;
  connections: number;
  /** The SASL PLAIN tokens received (authzid\0user\0password), for the test to see what was sent. */
  tokens: Buffer[];
  close(): Promise<void>;
}

function response(correlationId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(4 + body.length, 0);
  header.writeInt32BE(correlationId, 4);
  return Buffer.concat([header, body]);
}

function answer(apiKey: number, correlationId: number, payload: Buffer, broker: FakeSaslBroker): Buffer | null {
  if (apiKey === API_VERSIONS) {
    const keys = [API_VERSIONS, SASL_HANDSHAKE, SASL_AUTHENTICATE];
    const body = Buffer.alloc(2 + 4 + keys.length * 6 + 4);
    body.writeInt32BE(keys.length, 2);
    keys.forEach((key, i) => {
      body.writeInt16BE(key, 6 + i * 6);
      body.writeInt16BE(key === SASL_AUTHENTICATE ? 0 : 1, 10 + i * 6); // max version; min stays 0
    });
    return response(correlationId, body);
  }
  if (apiKey === SASL_HANDSHAKE) {
    const mechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"].map((m) => Buffer.from(m));
    const body = Buffer.concat([Buffer.from([0, 0]), Buffer.from([0, 0, 0, mechanisms.length]), ...mechanisms.map((m) => Buffer.concat([Buffer.from([0, m.length]), m]))]);
    return response(correlationId, body);
  }
  if (apiKey === SASL_AUTHENTICATE) {
    broker.tokens.push(payload.subarray(4, 4 + payload.readInt32BE(0)));
    const message = Buffer.from("Authentication failed: Invalid username or password");
    const body = Buffer.alloc(2 + 2 + message.length + 4);
    body.writeInt16BE(SASL_AUTHENTICATION_FAILED, 0);
    body.writeInt16BE(message.length, 2);
    message.copy(body, 4);
    body.writeInt32BE(0, 4 + message.length);
    return response(correlationId, body);
  }
  return null;
}

/** SaslAuthenticate v0 accepted, carrying the server's first SCRAM message for the client's first one. */
function scramServerFirst(correlationId: number, payload: Buffer, iterations: number): Buffer {
  const clientFirst = payload.subarray(4, 4 + payload.readInt32BE(0)).toString("utf8");
  const clientNonce = /,r=([^,]+)/.exec(clientFirst)?.[1] ?? "";
  const serverFirst = Buffer.from(`r=${clientNonce}fake-server-nonce,s=${Buffer.from("fake-salt").toString("base64")},i=${iterations}`);
  const body = Buffer.alloc(2 + 2 + 4);
  body.writeInt16BE(-1, 2); // no error message
  body.writeInt32BE(serverFirst.length, 4);
  return response(correlationId, Buffer.concat([body, serverFirst]));
}

/** Starts the fake on 127.0.0.1; with `tlsOptions` it speaks TLS. */
export async function startFakeSaslBroker(tlsOptions?: tls.TlsOptions, options: FakeSaslBrokerOptions = {}): Promise<FakeSaslBroker> {
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket) => {
    broker.connections++;
    const first = broker.connections === 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // As Kafka does past socket.request.max.bytes (100 MB): e.g. a TLS ClientHello read as a size.
      if (pending.length >= 4 && pending.readInt32BE(0) > 100 * 1024 * 1024) {
        socket.destroy();
        return;
      }
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const request = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + request.length);
        // Request header v1: api key, api version, correlation id, client id (nullable string).
        const apiKey = request.readInt16BE(0);
        const correlationId = request.readInt32BE(4);
        const clientIdLength = request.readInt16BE(8);
        if (options.cutDuringScram && apiKey === SASL_AUTHENTICATE) {
          if (first) socket.end(scramServerFirst(correlationId, request.subarray(10 + Math.max(0, clientIdLength)), options.cutDuringScram.iterations));
          continue;
        }
        const reply = answer(apiKey, correlationId, request.subarray(10 + Math.max(0, clientIdLength)), broker);
        if (reply) socket.write(reply);
        else socket.destroy();
      }
    });
  };
  // A TLS listener answers bytes that are not a TLS handshake with a fatal alert, as a JVM broker
  // does: the front socket peeks at the first bytes and hands a TLS handshake to the TLS server.
  const secure = tlsOptions ? tls.createServer(tlsOptions, onSocket) : null;
  secure?.on("tlsClientError", () => broker.connections++);
  if (secure) await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve));
  const front = (raw: net.Socket) => {
    sockets.add(raw);
    raw.on("close", () => sockets.delete(raw));
    raw.on("error", () => undefined);
    raw.once("data", (first: Buffer) => {
      if (first[0] !== 0x16) {
        broker.connections++;
        raw.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])); // alert: fatal, handshake_failure
        return;
      }
      const inner = net.connect((secure!.address() as AddressInfo).port, "127.0.0.1");
      sockets.add(inner);
      inner.on("close", () => sockets.delete(inner));
      inner.on("error", () => raw.destroy());
      inner.write(first);
      raw.pipe(inner).pipe(raw);
    });
  };
  const server = net.createServer(secure ? front : onSocket);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const broker: FakeSaslBroker = {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: 0,
    tokens: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        secure?.close();
        server.close(() => resolve());
      }),
  };
  return broker;
}
