/**
 * Refuses oversized requests before any routing: a URL longer than the limit (414) and any
 * request body (413; no endpoint takes one). Headers are bounded by the http server's
 * maxHeaderSize, which answers 431 itself.
 */
import type { RequestHandler } from "express";
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
