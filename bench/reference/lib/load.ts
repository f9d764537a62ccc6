/**
 * The load every API contender gets: autocannon, the reference request mix, N connections, a fixed
 * duration (optionally a fixed overall rate).
 *
 * One fix to autocannon: the reference's server (`flask run`, Werkzeug's development server)
 * answers every request with `Connection: close`. autocannon 8/9 writes the next request onto that
 * closing socket anyway and then mismatches responses to requests after reconnecting, which
 * stalls each connection for seconds (measured: 2 requests in 5 s on one connection, where curl
 * does 3 in 40 ms). RFC 9112 section 9.6 says a client must not send further requests on a
 * connection after `Connection: close`; the patch below makes each client open a fresh connection
 * instead. Servers that keep connections alive (ours, the bare ceiling) are unaffected.
 */
import autocannon from "autocannon";
import { interleave, REFERENCE_MIX } from "./mix";

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Requests per second over all connections; unlimited when absent. */
  overallRate?: number;
}

interface PatchableClient {
  reqsMade: number;
  destroyed: boolean;
  closeRequested?: boolean;
  /** A property, not a method: the patch below keeps the original and calls it with the client as `this`. */
  _doRequest: (this: PatchableClient, ...args: unknown[]) => void;
  _destroyConnection(): void;
  _connect(): void;
  on(event: "headers", listener: (info: { shouldKeepAlive?: boolean }) => void): void;
}

/** Makes an autocannon client honour `Connection: close` (see the file comment). */
export function honourConnectionClose(client: PatchableClient): void {
  client.on("headers", (info) => {
    client.closeRequested = info.shouldKeepAlive === false;
  });
  const doRequest = client._doRequest;
  client._doRequest = function (this: PatchableClient, ...args: unknown[]) {
    if (this.closeRequested && this.reqsMade > 0 && !this.destroyed) {
      this.closeRequested = false;
      // _connect() sends the next request itself once the new socket is open.
      this._destroyConnection();
      this._connect();
      return;
    }
    doRequest.apply(this, args);
  };
}

export function runLoad(options: LoadOptions): Promise<autocannon.Result> {
  // autocannon returns a thenable instance, not a Promise (no finally): wrap it.
  return Promise.resolve(autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    overallRate: options.overallRate,
    requests: interleave(REFERENCE_MIX).map((r) => ({ method: "GET" as const, path: r.path, headers: { host: r.host } })),
    setupClient: (client) => honourConnectionClose(client as unknown as PatchableClient),
  }));
}
