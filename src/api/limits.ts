/**
 * Refuses oversized requests before any routing: a URL longer than the limit (414) and any
 * request body (413; no endpoint takes one). Headers are bounded by the http server's
 * maxHeaderSize, which answers 431 itself.
 */
import type { RequestHandler } from "express";
import type { Duplex } from "node:stream";
import { RequestRefusedError } from "../errors";

/** Longest request target accepted; names are short, so this is generous. */
export const MAX_URL_LENGTH = 1024;
/** Passed to http.createServer: bigger header blocks get 431 from node itself. */
export const MAX_HEADER_BYTES = 8192;

export function refuseOversized(maxUrlLength = MAX_URL_LENGTH): RequestHandler {
  return (req, _res, next) => {
    if (req.url.length > maxUrlLength) {
      throw new RequestRefusedError(`the URL is longer than ${maxUrlLength} characters`, "uri_too_long", 414);
    }
    const length = req.headers["content-length"];
    if ((length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined) {
      throw new RequestRefusedError("requests must not have a body", "body_not_allowed", 413);
    }
    next();
  };
}

/**
 * Answers requests node's HTTP parser rejects before Express sees them (header block over
 * maxHeaderSize -> 431, request not received within the server's timeouts -> 408, malformed
 * request -> 400) with the same JSON error body as every other refusal, instead of node's bare
 * status line.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] =
    error.code === "HPE_HEADER_OVERFLOW" ? [431, "Request Header Fields Too Large", "headers_too_large", `the request headers exceed ${MAX_HEADER_BYTES} bytes`]
    : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? [408, "Request Timeout", "request_timeout", "the request was not received in time"]
    : [400, "Bad Request", "bad_request", "malformed HTTP request"];
  const body = JSON.stringify({ ok: false, error: code, message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
