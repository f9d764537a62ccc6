/**
 * A small seeded PRNG (sfc32) and the few distributions the simulator needs. Math.random cannot
 * be seeded, and reproducibility (`--seed`) is the point: same seed, same request sequence.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Index chosen with probability proportional to its weight (weights >= 0, not all 0). */
  weighted(weights: readonly number[]): number;
  /** Pareto(xm = 1, alpha): heavy-tailed, mean alpha / (alpha - 1) for alpha > 1. */
  pareto(alpha: number): number;
  /** exp(N(mu, sigma^2)). */
  lognormal(mu: number, sigma: number): number;
  /** Number of failures before the first success, success probability p (mean (1-p)/p). */
  geometric(p: number): number;
  /** An independent generator derived from this one and a label (stable across code changes elsewhere). */
  fork(label: string): Rng;
}

/** 32-bit FNV-1a: turns a seed and labels into sfc32 state words. */
function hash32(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A generator seeded by any integer or string. */
export function createRng(seed: number | string): Rng {
  const s = String(seed);
  let a = hash32(s, 0x811c9dc5);
  let b = hash32(s, 0x9e3779b9);
  let c = hash32(s, 0x85ebca6b);
  let d = 1;
  const raw = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 15; i++) raw(); // sfc32 needs a few rounds to mix a weak seed
  const rng: Rng = {
    next: raw,
    int: (n) => Math.floor(raw() * n),
    chance: (p) => raw() < p,
    weighted(weights) {
      let total = 0;
      for (const w of weights) total += w;
      let x = raw() * total;
      for (let i = 0; i < weights.length; i++) {
        x -= weights[i];
        if (x < 0) return i;
      }
      return weights.length - 1;
    },
    pareto: (alpha) => Math.pow(1 - raw(), -1 / alpha),
    lognormal(mu, sigma) {
      // Box-Muller; 1 - u keeps the log argument in (0, 1].
      const z = Math.sqrt(-2 * Math.log(1 - raw())) * Math.cos(2 * Math.PI * raw());
      return Math.exp(mu + sigma * z);
    },
    geometric(p) {
      if (p >= 1) return 0;
      return Math.floor(Math.log(1 - raw()) / Math.log(1 - p));
    },
    fork: (label) => createRng(`${s}/${label}`),
  };
  return rng;
}
