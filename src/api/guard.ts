/**
 * Who may play and how fast: the API key check (401) and the rate limits per key and per
 * player (429 with Retry-After). Refused requests never become events; they are counted, and
 * the counts are logged as a periodic summary rather than a line per request (a flood of
 * refusals must not become a flood of log lines).
 */
import type { RequestHandler, Response } from "express";
import type { ApiConfig } from "../config";
import type { Clock } from "./clock";
import { sendAnswer } from "./error-handler";
import { KeyRing, presentedKey } from "./key-ring";
import { TokenBuckets } from "./rate-limit";

export interface RefusalCounts {
  /** Requests without a valid API key (401). */
  unauthorized: number;
  /** Requests over their key's or their player's rate (429). */
  rateLimited: number;
}

export class Guard {
  readonly counts: RefusalCounts = { unauthorized: 0, rateLimited: 0 };
  private readonly keys: KeyRing;
  private readonly perKey: TokenBuckets | null;
  private readonly perPlayer: TokenBuckets | null;

  constructor(config: Pick<ApiConfig, "keys" | "rateLimit">, private readonly clock: Clock) {
    this.keys = new KeyRing(config.keys);
    const { key, player } = config.rateLimit;
    this.perKey = key.perSecond > 0 ? new TokenBuckets(key) : null;
    this.perPlayer = player.perSecond > 0 ? new TokenBuckets(player) : null;
  }

  /** Middleware for the game routes: the API key, then its rate. Null when neither is configured. */
  middleware(): RequestHandler | null {
    if (this.keys.open) return null;
    return (req, res, next) => {
      const presented = presentedKey(req.headers);
      const app = presented === undefined ? null : this.keys.identify(presented);
      if (app === null) return this.refuseKey(res, presented === undefined);
      res.locals.app = app;
      if (this.perKey !== null && !this.admit(this.perKey, app, res, "this API key")) return;
      next();
    };
  }

  /** True when the player may play now; otherwise answers 429 and returns false. */
  admitPlayer(player: string, res: Response): boolean {
    return this.perPlayer === null || this.admit(this.perPlayer, player, res, "this player");
  }

  private admit(buckets: TokenBuckets, caller: string, res: Response, who: string): boolean {
    const waitMs = buckets.take(caller, this.clock.now());
    if (waitMs === 0) return true;
    this.counts.rateLimited++;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    res.setHeader("Retry-After", String(seconds));
    sendAnswer(res, { status: 429, code: "rate_limited", message: `too many requests from ${who}: retry in ${seconds} s` });
    return false;
  }

  private refuseKey(res: Response, missing: boolean): void {
    this.counts.unauthorized++;
    res.setHeader("WWW-Authenticate", 'Bearer realm="game-api"');
    sendAnswer(res, missing
      ? { status: 401, code: "missing_api_key", message: "this API needs a key: send it in X-Api-Key or Authorization: Bearer" }
      : { status: 401, code: "invalid_api_key", message: "the API key is not valid" });
  }
}
