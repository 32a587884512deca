/**
 * Seeded randomness for the fuzzer, the model checks and the benchmarks. Consumes a 32-bit seed; produces a
 * small PRNG (mulberry32) with the helpers the mutators need. Every fuzz case gets a
 * generator of its own, derived from the run's seed and the case's index, so
 * one case can be replayed alone (`node scripts/fuzz.js 1 SEED INDEX`)
 * without running the ones before it.
 */

/** mulberry32: tiny and fast; statistical quality is beside the point here, reproducibility is not. */
export function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n) => Math.floor(next() * n);
  return {
    next,
    /** An integer in [0, n). */
    below,
    /** An integer in [lo, hi]. */
    between: (lo, hi) => lo + below(hi - lo + 1),
    chance: (p) => next() < p,
    pick: (items) => items[below(items.length)],
    /** Picks from `[weight, value]` pairs. */
    weighted(pairs) {
      let total = 0;
      for (const [w] of pairs) total += w;
      let r = next() * total;
      for (const [w, v] of pairs) {
        if ((r -= w) < 0) return v;
      }
      return pairs[pairs.length - 1][1];
    },
    /** Mostly small sizes, sometimes large ones: fuzzers find more at the edges than in the middle. */
    size(max) {
      const r = next();
      if (r < 0.6) return 1 + below(Math.min(8, max));
      if (r < 0.9) return 1 + below(Math.min(200, max));
      return 1 + below(max);
    },
  };
}

/** The seed of case `index` in a run seeded with `seed` (a murmur3-style finalizer, so neighbours differ). */
export function caseSeed(seed, index) {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index >>> 0, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}
