/**
 * The game's rules as the API applies them (issue 2), replayed offline: given the actions in
 * per-player order, what each one must be answered and what it must log. Only per-player
 * state decides an answer, so the interleaving of different players never changes outcomes.
 */
import { NAME_PATTERN } from "../events";
import type { Catalog } from "../api/catalog";
import type { Action, Expectation } from "./request";

export interface ModelOptions {
  /** Longest accepted name (MAX_NAME_LENGTH, 64 by default). */
  maxNameLength?: number;
}

/** A name the API accepts: 1..max characters of NAME_PATTERN. */
export function isValidName(name: string, maxLength: number): boolean {
  return name.length > 0 && name.length <= maxLength && NAME_PATTERN.test(name);
}

export class GameModel {
  private readonly maxNameLength: number;
  /** guild -> members */
  private readonly members = new Map<string, Set<string>>();
  /** player -> guilds */
  private readonly guildsByPlayer = new Map<string, Set<string>>();

  constructor(private readonly catalog: Catalog, options: ModelOptions = {}) {
    this.maxNameLength = options.maxNameLength ?? 64;
  }

  /** Applies one action and returns what the API must answer and log. */
  apply(action: Action): Expectation {
    if (action.route === "default") return ok({ type: "default", outcome: "ok", reason: null });
    const name = action.name ?? "";
    if (!isValidName(name, this.maxNameLength)) return { status: 400, event: null };
    switch (action.route) {
      case "purchase_a_sword":
        return this.purchase("purchase_sword", this.catalog.swords, name);
      case "purchase_a_shield":
        return this.purchase("purchase_shield", this.catalog.shields, name);
      case "join_guild":
        return this.join(action.player, name);
      case "leave_guild":
        return this.leave(action.player, name);
    }
  }

  isMember(player: string, guild: string): boolean {
    return this.guildsByPlayer.get(player)?.has(guild) ?? false;
  }

  /** The guilds a player is in, sorted. */
  guildsOf(player: string): string[] {
    return [...(this.guildsByPlayer.get(player) ?? [])].sort();
  }

  /** Every guild that has or had members, with its current members (sorted). */
  membership(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [guild, set] of this.members) out.set(guild, [...set].sort());
    return out;
  }

  private purchase(type: "purchase_sword" | "purchase_shield", prices: ReadonlyMap<string, number>, item: string): Expectation {
    const cost = prices.get(item);
    if (cost === undefined) {
      return { status: 404, event: { type, outcome: "rejected", reason: "unknown_item", item, cost: null } };
    }
    return ok({ type, outcome: "ok", reason: null, item, cost });
  }

  private join(player: string, guild: string): Expectation {
    if (this.isMember(player, guild)) {
      return { status: 409, event: { type: "join_guild", outcome: "rejected", reason: "already_member", guild } };
    }
    setOf(this.members, guild).add(player);
    setOf(this.guildsByPlayer, player).add(guild);
    return ok({ type: "join_guild", outcome: "ok", reason: null, guild });
  }

  private leave(player: string, guild: string): Expectation {
    if (!this.isMember(player, guild)) {
      return { status: 409, event: { type: "leave_guild", outcome: "rejected", reason: "not_member", guild } };
    }
    this.members.get(guild)?.delete(player);
    this.guildsByPlayer.get(player)?.delete(guild);
    return ok({ type: "leave_guild", outcome: "ok", reason: null, guild });
  }
}

function ok(event: NonNullable<Expectation["event"]>): Expectation {
  return { status: 200, event };
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}
