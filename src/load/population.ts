/**
 * The simulated players of the `players` scenario: identity (Host header, optional
 * X-Player-Id), client, and the behaviour parameters drawn once per player from the PRNG.
 */
import type { PlayersOptions } from "./players";
import type { Rng } from "./prng";

export interface Player {
  index: number;
  host: string;
  id: string;
  header?: string;
  userAgent: string;
  /** Pareto(alpha 1.2): the heavy tail of spending. */
  spend: number;
  purchaseProb: number;
  guildProb: number;
  /** Exponent applied to item cost: negative prefers cheap items, positive expensive ones. */
  costTilt: number;
}

const USER_AGENTS = [
  "GameClient/2.4 (Windows NT 10.0; Win64; x64)",
  "GameClient/2.4 (Macintosh; Intel Mac OS X 14_5)",
  "GameClient/2.3 (Linux; Android 14)",
  "GameClient/2.4 (iPhone; CPU iPhone OS 17_5 like Mac OS X)",
];
const UA_WEIGHTS = [0.45, 0.15, 0.25, 0.15];

/** Draws the players (in index order, so the same seed gives the same players). */
export function makePlayers(rng: Rng, options: PlayersOptions): Player[] {
  const width = Math.max(4, String(options.players).length);
  const domain = options.domain ?? "example.com";
  return Array.from({ length: options.players }, (_, index) => {
    const host = `player${String(index + 1).padStart(width, "0")}.${domain}`;
    const header = options.playerTag ? `${host}-${options.playerTag}` : undefined;
    const spend = rng.pareto(1.2);
    return {
      index,
      host,
      id: header ?? host,
      header,
      userAgent: USER_AGENTS[rng.weighted(UA_WEIGHTS)],
      spend,
      purchaseProb: Math.min(0.8, 0.3 * Math.sqrt(spend)),
      guildProb: 0.05 + 0.15 * rng.next(),
      costTilt: Math.min(1.2, -0.8 + 0.5 * Math.log(spend)),
    };
  });
}
