/**
 * Ground truth: what the pipeline must show after a run, computed by replaying the requests
 * through the game model (pure; no I/O). Tests and the report compare the tables against it.
 */
import { EVENT_TYPES, type EventType } from "../events";
import type { Catalog } from "../api/catalog";
import { GameModel } from "./model";
import type { Expectation, Intent, PlannedRequest, Route } from "./request";

export const TRUTH_FORMAT = "game-load-truth/1";

export interface PlayerTruth {
  host: string;
  requests: number;
  /** Completed purchases (status 200). */
  purchases: number;
  spend: number;
  /** Completed purchases per item. */
  items: Record<string, number>;
  /** Guilds the player is in at the end. */
  guilds: string[];
}

export interface ItemTruth {
  kind: "sword" | "shield";
  cost: number;
  purchases: number;
  spend: number;
}

export interface GroundTruth {
  format: typeof TRUTH_FORMAT;
  /** Requests answered (the truth covers exactly these). */
  requests: number;
  byRoute: Record<Route, number>;
  byIntent: Record<Intent, number>;
  statusCodes: Record<string, number>;
  /** Events the API must have logged (every request but the 400s). */
  events: {
    total: number;
    byType: Record<EventType, { ok: number; rejected: number }>;
    byReason: Record<string, number>;
  };
  /** Rows each table of the sink must hold. */
  tables: { events: number; sword_purchases: number; purchases: number; guilds: number; dead_letters: number };
  spend: { total: number; purchases: number };
  items: Record<string, ItemTruth>;
  players: Record<string, PlayerTruth>;
  /** Members of each guild at the end (guilds that never had a member are listed with 0). */
  guilds: Record<string, { members: number; players: string[] }>;
  totalGuildMembers: number;
}

export interface TruthOptions {
  maxNameLength?: number;
}

type Sent = Pick<PlannedRequest, "player" | "route" | "name" | "host" | "intent">;

/**
 * Replays the requests (in an order that keeps each player's requests in sequence) and
 * returns the ground truth and the expected answer of each request.
 */
export function computeTruth(requests: readonly Sent[], catalog: Catalog, options: TruthOptions = {}): { truth: GroundTruth; expected: Expectation[] } {
  const model = new GameModel(catalog, options);
  const truth = emptyTruth(catalog);
  const expected = requests.map((request) => {
    const answer = model.apply(request);
    count(truth, request, answer);
    return answer;
  });
  for (const [guild, members] of model.membership()) {
    truth.guilds[guild] = { members: members.length, players: members };
    truth.totalGuildMembers += members.length;
  }
  for (const [id, player] of Object.entries(truth.players)) player.guilds = model.guildsOf(id);
  return { truth, expected };
}

function emptyTruth(catalog: Catalog): GroundTruth {
  const items: Record<string, ItemTruth> = {};
  for (const [name, cost] of catalog.swords) items[name] = { kind: "sword", cost, purchases: 0, spend: 0 };
  for (const [name, cost] of catalog.shields) items[name] = { kind: "shield", cost, purchases: 0, spend: 0 };
  const byType = Object.fromEntries(EVENT_TYPES.map((t) => [t, { ok: 0, rejected: 0 }])) as GroundTruth["events"]["byType"];
  return {
    format: TRUTH_FORMAT,
    requests: 0,
    byRoute: { default: 0, purchase_a_sword: 0, purchase_a_shield: 0, join_guild: 0, leave_guild: 0 },
    byIntent: { valid: 0, unknown_item: 0, bad_name: 0, repeat_join: 0, leave_not_member: 0 },
    statusCodes: {},
    events: { total: 0, byType, byReason: {} },
    tables: { events: 0, sword_purchases: 0, purchases: 0, guilds: 0, dead_letters: 0 },
    spend: { total: 0, purchases: 0 },
    items,
    players: {},
    guilds: Object.fromEntries(catalog.guilds.map((g) => [g, { members: 0, players: [] }])),
    totalGuildMembers: 0,
  };
}

function count(truth: GroundTruth, request: Sent, answer: Expectation): void {
  truth.requests++;
  truth.byRoute[request.route]++;
  truth.byIntent[request.intent]++;
  truth.statusCodes[answer.status] = (truth.statusCodes[answer.status] ?? 0) + 1;
  const player = (truth.players[request.player] ??= { host: request.host, requests: 0, purchases: 0, spend: 0, items: {}, guilds: [] });
  player.requests++;
  const event = answer.event;
  if (!event) return;
  truth.events.total++;
  truth.events.byType[event.type][event.outcome]++;
  if (event.reason) truth.events.byReason[event.reason] = (truth.events.byReason[event.reason] ?? 0) + 1;
  truth.tables.events++;
  if (event.type === "join_guild" || event.type === "leave_guild") truth.tables.guilds++;
  if ((event.type === "purchase_sword" || event.type === "purchase_shield") && event.outcome === "ok") {
    const cost = event.cost ?? 0;
    const item = event.item ?? "";
    truth.tables.purchases++;
    if (event.type === "purchase_sword") truth.tables.sword_purchases++;
    truth.spend.total += cost;
    truth.spend.purchases++;
    truth.items[item].purchases++;
    truth.items[item].spend += cost;
    player.purchases++;
    player.spend += cost;
    player.items[item] = (player.items[item] ?? 0) + 1;
  }
}
