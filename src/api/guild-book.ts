/**
 * Guild membership per player, in memory (pure). A decided change is applied at once as a
 * reservation, so the next request of the same player sees it; the caller later commits it
 * (its event reached the log) or undoes it (the event was lost). Undoing in reverse order of
 * reservation restores the exact earlier state.
 */
export type GuildOp = "join" | "leave";

export interface Reservation {
  readonly player: string;
  readonly guild: string;
  readonly op: GuildOp;
}

export type GuildDecision =
  | { ok: true; reservation: Reservation; guildMembers: number; totalMembers: number }
  | { ok: false; reason: "already_member" | "not_member"; totalMembers: number };

export interface Membership {
  readonly player: string;
  readonly guild: string;
}

export class GuildBook {
  private readonly guildsOf = new Map<string, Set<string>>();
  private readonly counts = new Map<string, number>();
  private total = 0;

  /** Starts from stored memberships; `knownGuilds` exist with zero members. */
  constructor(memberships: Iterable<Membership>, knownGuilds: Iterable<string> = []) {
    for (const guild of knownGuilds) this.counts.set(guild, 0);
    for (const m of memberships) this.add(m.player, m.guild);
  }

  join(player: string, guild: string): GuildDecision {
    if (this.isMember(player, guild)) return { ok: false, reason: "already_member", totalMembers: this.total };
    this.add(player, guild);
    return { ok: true, reservation: { player, guild, op: "join" }, guildMembers: this.membersOf(guild), totalMembers: this.total };
  }

  leave(player: string, guild: string): GuildDecision {
    if (!this.isMember(player, guild)) return { ok: false, reason: "not_member", totalMembers: this.total };
    this.remove(player, guild);
    return { ok: true, reservation: { player, guild, op: "leave" }, guildMembers: this.membersOf(guild), totalMembers: this.total };
  }

  /** Reverts a reservation; call for lost events newest first. */
  undo(reservation: Reservation): void {
    if (reservation.op === "join") this.remove(reservation.player, reservation.guild);
    else this.add(reservation.player, reservation.guild);
  }

  isMember(player: string, guild: string): boolean {
    return this.guildsOf.get(player)?.has(guild) ?? false;
  }

  membersOf(guild: string): number {
    return this.counts.get(guild) ?? 0;
  }

  totalMembers(): number {
    return this.total;
  }

  private add(player: string, guild: string): void {
    let guilds = this.guildsOf.get(player);
    if (!guilds) this.guildsOf.set(player, (guilds = new Set()));
    if (guilds.has(guild)) return;
    guilds.add(guild);
    this.counts.set(guild, this.membersOf(guild) + 1);
    this.total++;
  }

  private remove(player: string, guild: string): void {
    const guilds = this.guildsOf.get(player);
    if (!guilds?.delete(guild)) return;
    if (guilds.size === 0) this.guildsOf.delete(player);
    this.counts.set(guild, this.membersOf(guild) - 1);
    this.total--;
  }
}
