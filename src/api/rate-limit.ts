/**
 * Token buckets per caller (an API key's application, a player): each holds up to `burst`
 * tokens, refills at `perSecond`, and a request takes one. A pure structure over a clock
 * reading; the API's guard decides what to do with a refusal.
 *
 * Memory is bounded: anyone can invent player ids, so the map keeps at most `maxEntries`
 * buckets, forgetting the least recently used first (a forgotten caller starts again full,
 * which is what an idle one would be anyway).
 */
import type { RateLimit } from "../config";

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(private readonly limit: RateLimit, private readonly maxEntries = 100_000) {
    this.perMs = limit.perSecond / 1000;
  }

  /** Takes a token for `caller` at time `now` (ms): 0 when allowed, else ms until a token is due. */
  take(caller: string, now: number): number {
    const bucket = this.buckets.get(caller);
    if (bucket === undefined) {
      this.remember(caller, { tokens: this.limit.burst - 1, at: now });
      return 0;
    }
    // Re-inserting keeps the map in least-recently-used order.
    this.buckets.delete(caller);
    this.buckets.set(caller, bucket);
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs);
    bucket.at = Math.max(now, bucket.at);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.perMs);
  }

  /** Callers tracked now (bounded by maxEntries). */
  get size(): number {
    return this.buckets.size;
  }

  private remember(caller: string, bucket: Bucket): void {
    if (this.buckets.size >= this.maxEntries) this.buckets.delete(this.buckets.keys().next().value as string);
    this.buckets.set(caller, bucket);
  }
}
