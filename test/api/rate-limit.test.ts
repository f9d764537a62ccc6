import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TokenBuckets } from "../../src/api/rate-limit";

describe("token buckets", () => {
  it("lets a burst through, then refuses until a token is due, telling how long to wait", () => {
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3 });
    assert.deepEqual([0, 0, 0].map(() => buckets.take("p", 1000)), [0, 0, 0]);
    assert.equal(buckets.take("p", 1000), 500);
    assert.equal(buckets.take("p", 1200), 300);
    assert.equal(buckets.take("p", 1500), 0);
  });

  it("refills at the rate, never past the burst", () => {
    const buckets = new TokenBuckets({ perSecond: 10, burst: 2 });
    buckets.take("p", 0);
    buckets.take("p", 0);
    const afterIdle = [0, 0, 0].map(() => buckets.take("p", 60_000));
    assert.deepEqual(afterIdle, [0, 0, 100]);
  });

  it("keeps each caller's bucket apart", () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 });
    assert.equal(buckets.take("a", 0), 0);
    assert.equal(buckets.take("a", 0), 1000);
    assert.equal(buckets.take("b", 0), 0);
  });

  it("does not hand out tokens when the clock steps back", () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 });
    buckets.take("p", 10_000);
    assert.ok(buckets.take("p", 5_000) > 0);
    assert.ok(buckets.take("p", 10_500) > 0);
    assert.equal(buckets.take("p", 11_000), 0);
  });

  it("tracks at most maxEntries callers, forgetting the least recently seen", () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, 3);
    for (const caller of ["a", "b", "c"]) buckets.take(caller, 0);
    buckets.take("a", 0); // a is now the most recent (and refused)
    buckets.take("d", 0); // evicts b
    assert.equal(buckets.size, 3);
    assert.equal(buckets.take("b", 0), 0, "a forgotten caller starts with a full bucket");
    assert.ok(buckets.take("a", 0) > 0, "a recently seen caller keeps its debt");
  });
});
