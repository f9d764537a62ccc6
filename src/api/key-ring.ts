/**
 * The API keys of the client applications, checked in constant time: the presented key and
 * every configured key are hashed to 32 bytes and all of them are compared with
 * timingSafeEqual, so the answer's timing says nothing about how much of a key was right,
 * how long it is, or which application's key came closest.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiKey } from "../config";

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

export class KeyRing {
  private readonly entries: { app: string; digest: Buffer }[];

  constructor(keys: readonly ApiKey[]) {
    this.entries = keys.map((k) => ({ app: k.app, digest: digest(k.key.reveal()) }));
  }

  /** True when no key is configured: every request is let through, as before keys existed. */
  get open(): boolean {
    return this.entries.length === 0;
  }

  /** The application whose key this is, or null. Takes the same time whichever key matches. */
  identify(presented: string): string | null {
    const given = digest(presented);
    let app: string | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(given, entry.digest) && app === null) app = entry.app;
    }
    return app;
  }
}

/** The key a request presents: `X-Api-Key: <key>` or `Authorization: Bearer <key>`. */
export function presentedKey(headers: { "x-api-key"?: string | string[]; authorization?: string }): string | undefined {
  const header = headers["x-api-key"];
  if (typeof header === "string" && header !== "") return header;
  const auth = headers.authorization;
  if (auth !== undefined && /^bearer /i.test(auth)) return auth.slice(7).trim() || undefined;
  return undefined;
}
