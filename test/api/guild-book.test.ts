import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GuildBook, type Reservation } from "../../src/api";

describe("guild book", () => {
  it("counts members per guild and in total, per player", () => {
    const book = new GuildBook([], ["grubs"]);
    assert.deepEqual(book.join("ann", "grubs"), {
      ok: true, reservation: { player: "ann", guild: "grubs", op: "join" }, guildMembers: 1, totalMembers: 1,
    });
    const second = book.join("bob", "grubs");
    assert.equal(second.ok && second.guildMembers, 2);
    const other = book.join("ann", "ucbears");
    assert.equal(other.ok && other.totalMembers, 3);
  });

  it("refuses a second join of the same guild by the same player without changing anything", () => {
    const book = new GuildBook([{ player: "ann", guild: "grubs" }]);
    assert.deepEqual(book.join("ann", "grubs"), { ok: false, reason: "already_member", totalMembers: 1 });
    assert.equal(book.membersOf("grubs"), 1);
  });

  it("refuses to let a player leave a guild they are not in, even one that does not exist", () => {
    const book = new GuildBook([{ player: "ann", guild: "grubs" }]);
    assert.deepEqual(book.leave("bob", "grubs"), { ok: false, reason: "not_member", totalMembers: 1 });
    assert.deepEqual(book.leave("ann", "house_greyjoy"), { ok: false, reason: "not_member", totalMembers: 1 });
    assert.equal(book.membersOf("grubs"), 1);
  });

  it("makes a reserved change visible to the player's next request at once", () => {
    const book = new GuildBook([]);
    assert.equal(book.join("ann", "grubs").ok, true);
    assert.equal(book.join("ann", "grubs").ok, false);
    assert.equal(book.leave("ann", "grubs").ok, true);
  });

  it("restores the exact earlier state when reservations are undone newest first", () => {
    const book = new GuildBook([{ player: "ann", guild: "grubs" }]);
    const made: Reservation[] = [];
    for (const d of [book.leave("ann", "grubs"), book.join("ann", "grubs"), book.join("bob", "grubs"), book.leave("bob", "grubs"), book.join("ann", "ucbears")]) {
      if (d.ok) made.push(d.reservation);
    }
    assert.equal(made.length, 5);
    for (const r of made.reverse()) book.undo(r);
    assert.equal(book.isMember("ann", "grubs"), true);
    assert.equal(book.isMember("bob", "grubs"), false);
    assert.equal(book.isMember("ann", "ucbears"), false);
    assert.equal(book.membersOf("grubs"), 1);
    assert.equal(book.totalMembers(), 1);
  });
});
