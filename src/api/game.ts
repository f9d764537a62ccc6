/**
 * The game's decisions, as pure functions: given a validated action, the player and the state,
 * what event to log, what to answer, and which membership change to reserve.
 */
import type { EventType, NewEvent } from "../events";
import { costOf, type Catalog, type ItemKind } from "./catalog";
import type { GuildBook, Reservation } from "./guild-book";

export type Action =
  | { kind: "default" }
  | { kind: "purchase"; item: ItemKind; name: string }
  | { kind: "join" | "leave"; guild: string };

export interface Decision {
  eventType: EventType;
  /** 200 when the game carried the action out; 404 / 409 when it refused it. */
  status: 200 | 404 | 409;
  reason?: "unknown_item" | "already_member" | "not_member";
  payload: NewEvent["payload"];
  message: string;
  /** The membership change to commit once the event is in the log (undone if it is lost). */
  reservation?: Reservation;
}

const TITLE: Record<ItemKind, string> = { sword: "Sword", shield: "Shield" };

/** Decides an action. Guild actions reserve their change in `book` immediately. */
export function decide(action: Action, player: string, catalog: Catalog, book: GuildBook): Decision {
  switch (action.kind) {
    case "default":
      return { eventType: "default", status: 200, payload: {}, message: "This is the default response!" };
    case "purchase":
      return decidePurchase(action.item, action.name, catalog);
    case "join":
    case "leave":
      return decideGuild(action.kind, action.guild, player, book);
  }
}

function decidePurchase(item: ItemKind, name: string, catalog: Catalog): Decision {
  const eventType = item === "sword" ? "purchase_sword" : "purchase_shield";
  const cost = costOf(catalog, item, name);
  if (cost === undefined) {
    return { eventType, status: 404, reason: "unknown_item", payload: { type: name, cost: null }, message: `No ${item} named ${name} in the catalogue` };
  }
  return { eventType, status: 200, payload: { type: name, cost }, message: `${TITLE[item]} Purchased! ${name}` };
}

function decideGuild(op: "join" | "leave", guild: string, player: string, book: GuildBook): Decision {
  const eventType = op === "join" ? "join_guild" : "leave_guild";
  const decision = op === "join" ? book.join(player, guild) : book.leave(player, guild);
  if (!decision.ok) {
    return {
      eventType,
      status: 409,
      reason: decision.reason,
      payload: { guild_name: guild, guild_member_cnt: null, tot_guild_member_cnt: decision.totalMembers },
      message: decision.reason === "already_member" ? `Already a member of guild ${guild}` : `Not a member of guild ${guild}`,
    };
  }
  return {
    eventType,
    status: 200,
    payload: { guild_name: guild, guild_member_cnt: decision.guildMembers, tot_guild_member_cnt: decision.totalMembers },
    message: `${op === "join" ? "Joined" : "Left"} Guild: ${guild}! Total members:${decision.guildMembers}`,
    reservation: decision.reservation,
  };
}
