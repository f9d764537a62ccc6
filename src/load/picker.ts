/** Weighted choice in O(log n) over fixed weights (prefix sums + binary search). */
import type { Rng } from "./prng";

export class WeightedPicker {
  private readonly cumulative: Float64Array;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    weights.forEach((w, i) => {
      total += Math.max(0, w);
      this.cumulative[i] = total;
    });
    if (!(total > 0)) throw new RangeError("WeightedPicker needs at least one positive weight");
  }

  /** An index chosen with probability proportional to its weight. */
  pick(rng: Rng): number {
    const x = rng.next() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
