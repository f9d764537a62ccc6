/**
 * Writes a JSON answer straight to node's response. Why not res.json(): Express' send path
 * (charset and type negotiation, freshness checks) was a visible share of the per-request CPU
 * in the bench/api profile, and every answer here is small, uncached JSON.
 */
import type { Response } from "express";

export function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}
