/**
 * The game's decisions and answers, as pure functions: given a validated action, the player and
 * (for guild actions) the player's membership, what event to log and which change it makes; given
 * a logged event, what the request is answered. A retried request is answered from its original
 * event by the same function, so the two answers cannot drift apart.
 */
import type { EventType, GameEvent, NewEvent } from "../events";
import { costOf, type Catalog, type ItemKind } from "./catalog";
import type { GuildCounts, GuildOp } from "./state";

export type Action =
  | { kind: "default" }
  | { kind: "purchase"; item: ItemKind; name: string }
  | { kind: "join" | "leave"; guild: string };

/** What a guild decision reads: whether the player is a member, and the current counts. */
export interface GuildState {
  member: boolean;
  counts: GuildCounts;
}

export interface Decision {
  eventType: EventType;
  /** 200 when the game carried the action out; 404 / 409 when it refused it. */
  status: 200 | 404 | 409;
  reason?: "unknown_item" | "already_member" | "not_member";
  payload: NewEvent["payload"];
  /** The membership change to write once the event is in the log. */
  change?: { guild: string; op: GuildOp };
}

/** Decides an action. Guild actions need `guild`, the player's state read under the player's lock. */
export function decide(action: Action, catalog: Catalog, guild?: GuildState): Decision {
  switch (action.kind) {
    case "default":
      return { eventType: "default", status: 200, payload: {} };
    case "purchase":
      return decidePurchase(action.item, action.name, catalog);
    case "join":
    case "leave":
      if (!guild) throw new Error("a guild action is decided on the player's membership");
      return decideGuild(action.kind, action.guild, guild);
  }
}

/** True for the actions whose decision reads and changes the player's guild membership. */
export function isGuildAction(action: Action): action is { kind: "join" | "leave"; guild: string } {
  return action.kind === "join" || action.kind === "leave";
}

/** The event type an action logs. */
export function eventTypeOf(action: Action): EventType {
  if (action.kind === "purchase") return action.item === "sword" ? "purchase_sword" : "purchase_shield";
  return action.kind === "default" ? "default" : action.kind === "join" ? "join_guild" : "leave_guild";
}

/** The item or guild an action names (none for GET /). */
export function nameOf(action: Action): string | undefined {
  return action.kind === "purchase" ? action.name : action.kind === "default" ? undefined : action.guild;
}

function decidePurchase(item: ItemKind, name: string, catalog: Catalog): Decision {
  const eventType = eventTypeOf({ kind: "purchase", item, name });
  const cost = costOf(catalog, item, name);
  if (cost === undefined) return { eventType, status: 404, reason: "unknown_item", payload: { type: name, cost: null } };
  return { eventType, status: 200, payload: { type: name, cost } };
}

function decideGuild(op: "join" | "leave", guild: string, state: GuildState): Decision {
  const eventType = eventTypeOf({ kind: op, guild });
  const { member, counts } = state;
  if (member === (op === "join")) {
    const reason = op === "join" ? "already_member" : "not_member";
    return { eventType, status: 409, reason, payload: { guild_name: guild, guild_member_cnt: null, tot_guild_member_cnt: counts.total } };
  }
  const delta = op === "join" ? 1 : -1;
  return {
    eventType,
    status: 200,
    payload: { guild_name: guild, guild_member_cnt: counts.guild + delta, tot_guild_member_cnt: counts.total + delta },
    change: { guild, op },
  };
}

export interface GameAnswer {
  status: number;
  body: { ok: boolean; event_id: string; message: string; error?: string };
}

const TITLE = { purchase_sword: ["Sword", "sword"], purchase_shield: ["Shield", "shield"] } as const;

/** The answer to the request that logged `event`: 200 with the game's message, or its refusal. */
export function answerOf(event: GameEvent): GameAnswer {
  const message = messageOf(event);
  if (event.outcome === "ok") return { status: event.status, body: { ok: true, event_id: event.event_id, message } };
  return { status: event.status, body: { ok: false, error: event.reason ?? "rejected", message, event_id: event.event_id } };
}

function messageOf(e: GameEvent): string {
  switch (e.event_type) {
    case "default":
      return "This is the default response!";
    case "purchase_sword":
    case "purchase_shield": {
      const [title, item] = TITLE[e.event_type];
      return e.outcome === "ok" ? `${title} Purchased! ${e.type}` : `No ${item} named ${e.type} in the catalogue`;
    }
    case "join_guild":
    case "leave_guild":
      if (e.outcome === "ok") return `${e.event_type === "join_guild" ? "Joined" : "Left"} Guild: ${e.guild_name}! Total members:${e.guild_member_cnt}`;
      return e.reason === "already_member" ? `Already a member of guild ${e.guild_name}` : `Not a member of guild ${e.guild_name}`;
  }
}
