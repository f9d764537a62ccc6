/** Guild membership as an independent replay of completed joins and leaves gives it. */
import assert from "node:assert/strict";

export interface GuildChangeSeen {
  player: string;
  guild: string;
  type: string;
  /** Where the change was seen (event id, partition:offset), for the failure message. */
  order: string;
}

/** Membership as folding the completed joins and leaves gives it, checking that each one was possible. */
export function fold(events: readonly GuildChangeSeen[]): Set<string> {
  const members = new Set<string>();
  for (const e of events) {
    const pair = `${e.player}/${e.guild}`;
    if (e.type === "join_guild") {
      assert.ok(!members.has(pair), `${e.player} joined ${e.guild} twice in a row (${e.order})`);
      members.add(pair);
    } else {
      assert.ok(members.has(pair), `${e.player} left ${e.guild} without being a member (${e.order})`);
      members.delete(pair);
    }
  }
  return members;
}

