/**
 * Writes a JSON answer straight to node's response. Why not res.json(): Express' send path
 * (charset and type negotiation, freshness checks) was a visible share of the per-request CPU
 * in the bench/api profile, and every answer here is small, uncached JSON.
 */
import type { Response } from "express";

/**
 * Headers for a JSON API that no browser should render, frame, sniff or cache: every answer is
 * per-request state. No HSTS: the API speaks plain HTTP; TLS ends at the proxy in front of it,
 * which is where HSTS belongs.
 */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["X-Content-Type-Options", "nosniff"],
  ["Cache-Control", "no-store"],
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
  ["X-Frame-Options", "DENY"],
  ["Referrer-Policy", "no-referrer"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
];

export function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
  res.end(text);
}
