/**
 * The `players` scenario: N simulated players with a seeded PRNG. Each player has a session
 * weight and a spending propensity drawn from heavy-tailed distributions, so a few players
 * make most purchases; items are chosen by popularity (cheap items sell most, big spenders
 * lean to expensive ones); guild joins and leaves follow each player's membership; a
 * configurable share of requests is deliberately invalid to exercise the API's error paths.
 */
import type { Catalog } from "../api/catalog";
import { GameModel } from "./model";
import { WeightedPicker } from "./picker";
import { makePlayers, type Player } from "./population";
import { createRng } from "./prng";
import { pathOf, type Action, type Intent, type PlannedRequest, type Route } from "./request";

export interface PlayersOptions {
  players: number;
  seed: number | string;
  /** Share of requests that are deliberately invalid (0..1). */
  invalidShare: number;
  /** Host header domain: players are `player0042.<domain>`. */
  domain?: string;
  /** When set, each request also carries X-Player-Id `<host>-<tag>` (fresh identities per run). */
  playerTag?: string;
  maxNameLength?: number;
}

interface Session {
  player: Player;
  /** Actions left after the current one. */
  left: number;
  started: boolean;
}

const INVALID_KINDS: readonly Intent[] = ["unknown_item", "bad_name", "repeat_join"];
const BAD_CHARS = [" ", "@", "!", "'", ";", "é", "<", "*"];
const MAX_GUILDS_PER_PLAYER = 2;
/** A session makes 1 + Geometric(p) game actions after its opening `GET /` (mean 1 + (1-p)/p = 5). */
const SESSION_END_P = 0.2;
const ACTIONS_PER_SESSION = 1 + (1 - SESSION_END_P) / SESSION_END_P;

/** Infinite, reproducible request sequence of the `players` scenario. */
export function* playersScenario(catalog: Catalog, options: PlayersOptions): Generator<PlannedRequest> {
  if (!(options.players >= 1)) throw new RangeError("players must be >= 1");
  const rng = createRng(options.seed);
  const maxNameLength = options.maxNameLength ?? 64;
  const players = makePlayers(rng.fork("players"), options);
  const sessionPicker = new WeightedPicker(players.map((p) => p.spend ** 0.6 * rng.lognormal(0, 0.8)));
  const swords = [...catalog.swords];
  const shields = [...catalog.shields];
  const guilds = catalog.guilds.length > 0 ? catalog.guilds : ["house_stark"];
  const guildPicker = new WeightedPicker(guilds.map((_, i) => 1 / (i + 1)));
  const model = new GameModel(catalog, { maxNameLength });
  const concurrent = Math.max(1, Math.min(players.length, Math.ceil(players.length / 10)));
  const active: Session[] = [];
  const activePlayers = new Set<number>();
  const flow = rng.fork("flow");
  // Openings are always valid, so game actions carry the whole invalid share.
  const invalidPerAction = Math.min(1, (options.invalidShare * (ACTIONS_PER_SESSION + 1)) / ACTIONS_PER_SESSION);
  let seq = 0;

  for (;;) {
    // 1. Keep `concurrent` sessions open; a new one goes to a player picked by session weight.
    while (active.length < concurrent) {
      let index = sessionPicker.pick(flow);
      for (let tries = 0; activePlayers.has(index) && tries < 8; tries++) index = sessionPicker.pick(flow);
      if (activePlayers.has(index)) break;
      activePlayers.add(index);
      active.push({ player: players[index], left: 1 + flow.geometric(SESSION_END_P), started: false });
    }
    // 2. Interleave: one step of a random open session.
    const slot = flow.int(active.length);
    const session = active[slot];
    // A session opens with `GET /`, then makes `left` game actions.
    const first = !session.started;
    session.started = true;
    const { action, intent } = first ? { action: open(session.player), intent: "valid" as Intent } : nextAction(session.player);
    if (!first && --session.left <= 0) {
      active.splice(slot, 1);
      activePlayers.delete(session.player.index);
    }
    const expected = model.apply(action);
    yield {
      player: action.player,
      route: action.route,
      name: action.name,
      seq: seq++,
      playerIndex: session.player.index,
      host: session.player.host,
      playerHeader: session.player.header,
      userAgent: session.player.userAgent,
      path: pathOf(action.route, action.name),
      intent,
      expected,
    };
  }

  function open(player: Player): Action {
    return { player: player.id, route: "default" };
  }

  // 3. What a player does next inside a session.
  function nextAction(player: Player): { action: Action; intent: Intent } {
    if (flow.chance(invalidPerAction)) return invalidAction(player);
    const r = flow.next();
    if (r < player.purchaseProb) return { action: purchase(player), intent: "valid" };
    if (r < player.purchaseProb + player.guildProb) return { action: guildMove(player), intent: "valid" };
    return { action: open(player), intent: "valid" };
  }

  function purchase(player: Player): Action {
    const sword = flow.chance(0.6);
    const items = sword ? swords : shields;
    const weights = items.map(([, cost]) => Math.max(1, cost) ** player.costTilt);
    const [name] = items[flow.weighted(weights)];
    return { player: player.id, route: sword ? "purchase_a_sword" : "purchase_a_shield", name };
  }

  function guildMove(player: Player): Action {
    const mine = model.guildsOf(player.id);
    const canJoin = mine.length < Math.min(MAX_GUILDS_PER_PLAYER, guilds.length);
    if (mine.length === 0 || (canJoin && flow.chance(0.4))) {
      let guild = guilds[guildPicker.pick(flow)];
      while (mine.includes(guild)) guild = guilds[guildPicker.pick(flow)];
      return { player: player.id, route: "join_guild", name: guild };
    }
    return { player: player.id, route: "leave_guild", name: mine[flow.int(mine.length)] };
  }

  function invalidAction(player: Player): { action: Action; intent: Intent } {
    const kind = INVALID_KINDS[flow.int(INVALID_KINDS.length)];
    const route: Route = flow.chance(0.6) ? "purchase_a_sword" : "purchase_a_shield";
    const known = [...(route === "purchase_a_sword" ? catalog.swords : catalog.shields).keys()];
    const base = known[flow.int(known.length)] ?? "item";
    switch (kind) {
      case "unknown_item":
        // A typo of a real item, or one that does not exist at all.
        return { action: { player: player.id, route, name: flow.chance(0.5) ? `${base}_${flow.int(1000)}` : `${base}${base.slice(-1)}` }, intent: kind };
      case "bad_name": {
        const name = flow.chance(0.5)
          ? base.repeat(Math.ceil((maxNameLength + 1) / base.length)) + "x".repeat(flow.int(20))
          : base.slice(0, 3) + BAD_CHARS[flow.int(BAD_CHARS.length)] + base.slice(3);
        const anyRoute: Route = (["purchase_a_sword", "purchase_a_shield", "join_guild", "leave_guild"] as const)[flow.int(4)];
        return { action: { player: player.id, route: anyRoute, name }, intent: kind };
      }
      default: {
        const mine = model.guildsOf(player.id);
        if (mine.length > 0) return { action: { player: player.id, route: "join_guild", name: mine[flow.int(mine.length)] }, intent: "repeat_join" };
        const guild = guilds[guildPicker.pick(flow)];
        return { action: { player: player.id, route: "leave_guild", name: guild }, intent: "leave_not_member" };
      }
    }
  }
}
