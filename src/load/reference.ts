/**
 * The reference's Apache Bench request mix (ab.sh: 13 kinds, 32 requests; ab2.sh repeats the
 * same mix without `GET /` every 10 s), as data for the `reference` scenario and the notebooks.
 * scripts/ab.sh and scripts/ab2.sh carry the same lines; a test keeps them in step.
 */
import type { Catalog } from "../api/catalog";
import { GameModel } from "./model";
import { parsePath, type PlannedRequest } from "./request";

export interface AbCommand {
  /** ab -n */
  count: number;
  /** ab -H "Host: ..." (the player) */
  host: string;
  path: string;
}

const AB_MIX: readonly AbCommand[] = Object.freeze([
  { count: 10, host: "user1.comcast.com", path: "/" },
  { count: 2, host: "user1.comcast.com", path: "/purchase_a_sword/sabre" },
  { count: 1, host: "user1.comcast.com", path: "/purchase_a_shield/mirror_shield" },
  { count: 4, host: "user1.comcast.com", path: "/join_guild/house_stark" },
  { count: 3, host: "user1.comcast.com", path: "/leave_guild/house_stark" },
  { count: 2, host: "anand.comcast.com", path: "/join_guild/grubs" },
  { count: 1, host: "dre.comcast.com", path: "/join_guild/grubs" },
  { count: 1, host: "dre.comcast.com", path: "/join_guild/secret_club" },
  { count: 1, host: "anand.comcast.com", path: "/join_guild/secret_club" },
  { count: 3, host: "user1.comcast.com", path: "/leave_guild/house_greyjoy" },
  { count: 1, host: "user2.att.com", path: "/purchase_a_sword/katana" },
  { count: 2, host: "user2.att.com", path: "/purchase_a_sword/estoc" },
  { count: 1, host: "user2.comcast.com", path: "/purchase_a_shield/leather_shield" },
].map((c) => Object.freeze(c)));

/** ab's User-Agent, as the reference's events recorded it. */
export const AB_USER_AGENT = "ApacheBench/2.3";

/** The ab mix: ab.sh's 13 commands, or with `streaming` ab2.sh's 12 (no `GET /`). */
export function abMix(options: { streaming?: boolean } = {}): AbCommand[] {
  return AB_MIX.filter((c) => !options.streaming || c.path !== "/").map((c) => ({ ...c }));
}

/**
 * The `reference` scenario: ab.sh's mix, request by request in the order ab sends it,
 * repeated forever (each pass is one run of ab.sh). Expected answers assume the players
 * start with no guild memberships.
 */
export function* referenceScenario(catalog: Catalog, options: { maxNameLength?: number; playerTag?: string } = {}): Generator<PlannedRequest> {
  const model = new GameModel(catalog, options);
  const players = [...new Set(AB_MIX.map((c) => c.host))];
  let seq = 0;
  for (;;) {
    for (const command of AB_MIX) {
      const parsed = parsePath(command.path);
      if (!parsed) throw new Error(`bad path in the ab mix: ${command.path}`);
      const playerHeader = options.playerTag ? `${command.host}-${options.playerTag}` : undefined;
      const action = { player: playerHeader ?? command.host, ...parsed };
      for (let i = 0; i < command.count; i++) {
        const expected = model.apply(action);
        const intent = expected.status === 409 ? (action.route === "join_guild" ? "repeat_join" : "leave_not_member") : "valid";
        yield {
          ...action,
          seq: seq++,
          playerIndex: players.indexOf(command.host),
          host: command.host,
          playerHeader,
          userAgent: AB_USER_AGENT,
          path: command.path,
          intent,
          expected,
        };
      }
    }
  }
}
