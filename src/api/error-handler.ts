/**
 * The one place where errors become HTTP answers. Every answer is JSON:
 * {"ok": false, "error": <code>, "message": ..., "event_id"?: ...}.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { BackpressureError, GameRuleError, KeyUnsettledError, LockTimeoutError, RequestRefusedError, StateStoreError, TransportError, ValidationError, describeError } from "../errors";
import type { Logger } from "../logger";
import { sendJson } from "./send-json";

export interface Answer {
  status: number;
  code: string;
  message: string;
}

/** Maps an error to its HTTP status and body code. */
export function httpAnswer(error: unknown): Answer {
  if (error instanceof ValidationError) return { status: 400, code: error.code, message: error.message };
  if (error instanceof GameRuleError || error instanceof RequestRefusedError) {
    return { status: error.httpStatus, code: error.code, message: error.message };
  }
  if (error instanceof TransportError || error instanceof StateStoreError) return { status: 503, code: error.code, message: error.message };
  // Express' own client errors (e.g. a malformed %-escape in a path parameter) carry a 4xx status.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { status, code: "bad_request", message: (error as Error).message };
  }
  return { status: 500, code: "internal", message: "internal error" };
}

/** Final middleware: unknown routes are a 404 error like any other. */
export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new RequestRefusedError(`no route for ${req.method} ${req.path}`, "unknown_route", 404));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => sendError(res, error, logger);
}

/** Answers `error` as JSON; the error middleware and the game's own refusals both end here. */
export function sendError(res: Response, error: unknown, logger: Logger): void {
  const answer = httpAnswer(error);
  if (answer.status === 500) logger.error("request failed", { error: describeError(error) });
  if (answer.status === 503) res.setHeader("Retry-After", error instanceof BackpressureError || error instanceof LockTimeoutError || error instanceof KeyUnsettledError ? "1" : "5");
  // The body of a refused request was never read: do not reuse the connection.
  if (answer.status === 413) res.setHeader("Connection", "close");
  sendAnswer(res, answer);
}

/** Writes an error answer's JSON body, with the request's event id when its event was logged. */
export function sendAnswer(res: Response, answer: Answer): void {
  const eventId = res.locals.eventId as string | undefined;
  const logged = eventId !== undefined && answer.status < 500;
  sendJson(res, answer.status, { ok: false, error: answer.code, message: answer.message, ...(logged ? { event_id: eventId } : {}) });
}
