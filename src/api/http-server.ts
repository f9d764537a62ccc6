/**
 * The node http server that carries the Express app, built so that Express' per-request
 * prototype swap costs nothing.
 *
 * Why: Express 5's app.handle() calls Object.setPrototypeOf(req, app.request) and
 * Object.setPrototypeOf(res, app.response) on every request. Changing the prototype of a live
 * object makes V8 give it a fresh map and drop the inline caches that node's http code had for it;
 * measured here (bench/RESULTS.md, section api) that alone costs ~80 µs of CPU per request, more
 * than a whole bare node http exchange (~50 µs). node's http server can create its request and
 * response objects from classes we pass in; when those classes already have app.request and
 * app.response as prototypes, Express' setPrototypeOf finds the prototype unchanged and V8 keeps
 * the object's map. Express still runs every request end to end.
 *
 * Slow clients: node cuts a connection whose request head (headersTimeout) or whole request
 * (requestTimeout) has not arrived in time, but only checks every connectionsCheckingInterval
 * (30 s by default); checking every second keeps the bound close to the configured timeout.
 */
import type { Express } from "express";
import * as http from "node:http";
import type { ApiConfig } from "../config";
import { answerClientError, MAX_HEADER_BYTES } from "./limits";

/** An http server for `app` whose requests and responses are born with Express' prototypes. */
export function createHttpServer(app: Express, timeouts: ApiConfig["timeouts"]): http.Server {
  // Plain constructor functions: their prototype property is writable, unlike a class's.
  function ExpressRequest(this: http.IncomingMessage, socket: import("node:net").Socket): void {
    (http.IncomingMessage as unknown as (this: http.IncomingMessage, ...args: unknown[]) => void).call(this, socket);
  }
  ExpressRequest.prototype = app.request;
  function ExpressResponse(this: http.ServerResponse, req: http.IncomingMessage, options?: object): void {
    (http.ServerResponse as unknown as (this: http.ServerResponse, ...args: unknown[]) => void).call(this, req, options);
  }
  ExpressResponse.prototype = app.response;
  const server = http.createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
      IncomingMessage: ExpressRequest as unknown as typeof http.IncomingMessage,
      ServerResponse: ExpressResponse as unknown as typeof http.ServerResponse,
    },
    app,
  );
  server.on("clientError", answerClientError);
  return server;
}
