// A seeded random number generator for property tests (xorshift32): the same seed gives the same cases, so a
// failure names an input that can be replayed.

/** Numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => ((state ^= state << 13), (state ^= state >>> 17), (state ^= state << 5), (state >>> 0) / 2 ** 32);
}
