/** mulberry32: a tiny seeded PRNG so a failing chaos run can be replayed from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct sorted integers in [lo, hi), drawn from `random`. */
export function pickPoints(random: () => number, count: number, lo: number, hi: number): number[] {
  const points = new Set<number>();
  while (points.size < count) points.add(lo + Math.floor(random() * (hi - lo)));
  return [...points].sort((a, b) => a - b);
}
