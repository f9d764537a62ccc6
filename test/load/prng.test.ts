import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRng } from "../../src/load/prng";

describe("seeded PRNG", () => {
  it("gives the same numbers for the same seed and different ones for another seed", () => {
    const draw = (seed: number | string) => Array.from({ length: 50 }, ((rng) => () => rng.next())(createRng(seed)));
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
    assert.notDeepEqual(draw("42"), draw("42x"));
  });

  it("stays in range: next in [0,1), int in [0,n), pareto >= 1, geometric >= 0", () => {
    const rng = createRng(7);
    for (let i = 0; i < 10_000; i++) {
      const x = rng.next();
      assert.ok(x >= 0 && x < 1);
      const k = rng.int(5);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 5);
      assert.ok(rng.pareto(1.2) >= 1);
      assert.ok(rng.geometric(0.2) >= 0);
    }
  });

  it("picks weighted indexes in proportion to their weights and never a zero weight", () => {
    const rng = createRng(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.weighted([1, 0, 3])]++;
    assert.equal(counts[1], 0);
    assert.ok(Math.abs(counts[2] / counts[0] - 3) < 0.3, `ratio ${counts[2] / counts[0]}`);
  });

  it("forks independent, reproducible streams", () => {
    const a = createRng(5).fork("x");
    const b = createRng(5).fork("x");
    const c = createRng(5).fork("y");
    const take = (r: ReturnType<typeof createRng>) => [r.next(), r.next(), r.next()];
    const [ta, tb, tc] = [take(a), take(b), take(c)];
    assert.deepEqual(ta, tb);
    assert.notDeepEqual(ta, tc);
  });
});
