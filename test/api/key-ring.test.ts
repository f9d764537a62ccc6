import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KeyRing, presentedKey } from "../../src/api/key-ring";
import { Secret } from "../../src/secret";

const ring = new KeyRing([
  { app: "mobile", key: new Secret("mobile-key-0123456789") },
  { app: "web", key: new Secret("web-key-abcdefghijklmn") },
]);

describe("API key ring", () => {
  it("names the application whose key is presented", () => {
    assert.equal(ring.identify("mobile-key-0123456789"), "mobile");
    assert.equal(ring.identify("web-key-abcdefghijklmn"), "web");
  });

  it("refuses a wrong key, a prefix of a key and a key with extra characters", () => {
    for (const wrong of ["nope", "mobile-key-012345678", "mobile-key-01234567890", "", "MOBILE-KEY-0123456789"]) {
      assert.equal(ring.identify(wrong), null, wrong);
    }
  });

  it("is open only when no key is configured", () => {
    assert.equal(new KeyRing([]).open, true);
    assert.equal(ring.open, false);
  });

  it("reads the key from X-Api-Key or a Bearer authorization", () => {
    assert.equal(presentedKey({ "x-api-key": "k1" }), "k1");
    assert.equal(presentedKey({ authorization: "Bearer k2" }), "k2");
    assert.equal(presentedKey({ authorization: "bearer  k3 " }), "k3");
    assert.equal(presentedKey({ authorization: "Basic dXNlcjpwYXNz" }), undefined);
    assert.equal(presentedKey({}), undefined);
  });
});
