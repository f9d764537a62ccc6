import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { playerIdentity, validateName } from "../../src/api";
import { ValidationError } from "../../src/errors";
import { NAME_PATTERN } from "../../src/events";

describe("name validation (from the contract's NAME_PATTERN)", () => {
  it("accepts every name of the safe set up to the maximum length", () => {
    for (const name of ["sabre", "great_sword", "House-Stark.2", "a", "x".repeat(64)]) {
      assert.ok(NAME_PATTERN.test(name));
      assert.equal(validateName(name, 64), name);
    }
  });

  it("rejects empty names", () => {
    assert.throws(() => validateName("", 64), ValidationError);
    assert.throws(() => validateName(undefined, 64), /empty/);
  });

  it("rejects names longer than the maximum", () => {
    assert.throws(() => validateName("x".repeat(65), 64), /longer than 64/);
  });

  it("rejects characters outside the safe set", () => {
    for (const name of ["a b", "a/b", "<script>", "a;drop", "épée", "a\nb", "a%20", "a'b", "naïve"]) {
      assert.equal(NAME_PATTERN.test(name), false, name);
      assert.throws(() => validateName(name, 64), ValidationError, name);
    }
  });
});

describe("player identity", () => {
  it("prefers X-Player-Id over the Host header", () => {
    assert.equal(playerIdentity("player-42", "user1.comcast.com"), "player-42");
  });

  it("falls back to the Host header, port included, as the reference's ab scripts identify players", () => {
    assert.equal(playerIdentity(undefined, "user1.comcast.com"), "user1.comcast.com");
    assert.equal(playerIdentity("", "localhost:5000"), "localhost:5000");
  });

  it("rejects a missing or unsafe identity", () => {
    assert.throws(() => playerIdentity(undefined, undefined), ValidationError);
    assert.throws(() => playerIdentity("bad id", "h"), ValidationError);
    assert.throws(() => playerIdentity("x".repeat(256), "h"), ValidationError);
  });
});
