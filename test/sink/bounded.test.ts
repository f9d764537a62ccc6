import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eachBounded } from "../../src/sink/bounded";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("eachBounded", () => {
  it("returns the results in input order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const out = await eachBounded([5, 1, 4, 2, 3, 0], 2, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await tick(ms);
      running--;
      return i * 10;
    });
    assert.deepEqual(out, [0, 10, 20, 30, 40, 50]);
    assert.equal(peak, 2);
  });

  it("fails with the first error only after every task has settled", async () => {
    const finished: number[] = [];
    await assert.rejects(
      eachBounded([0, 1, 2, 3], 4, async (i) => {
        if (i === 0) throw new Error("first");
        await tick(10 * i);
        finished.push(i);
      }),
      /first/,
    );
    assert.deepEqual(finished.sort(), [1, 2, 3]);
  });

  it("handles no items", async () => {
    assert.deepEqual(await eachBounded([], 3, async () => 1), []);
  });
});
