/**
 * mulberry32: a tiny, fast, seedable PRNG. The simulator must be reproducible from its seed,
 * so nothing in the exchange reads Math.random.
 */
export type Random = () => number;

/** A generator of floats in [0, 1) fully determined by `seed`. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [lo, hi] drawn from `random`. */
export const randomInt = (random: Random, lo: number, hi: number): number =>
  lo + Math.floor(random() * (hi - lo + 1));
