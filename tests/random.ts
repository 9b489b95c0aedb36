/**
 * The seeded random numbers tests draw their inputs from, so that a failure reproduces. Some tests pin what
 * a seed gives (tests/encoder.test.ts fingerprints tiktoken's ids for `hanRun(100000, 11)`): keep the
 * generator and its constants as they are.
 */

/** A linear congruential generator (Numerical Recipes' constants): the same seed gives the same numbers in [0, 1). */
export function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/**
 * `n` lines of 0 to 11 token ids from 1000 up, for n-gram models: `words` distinct ids, skewed so that small
 * ids are frequent.
 */
export function randomLines(seed: number, n: number, words = 60): number[][] {
  const rand = lcg(seed);
  return Array.from({ length: n }, () => Array.from({ length: Math.floor(rand() * 12) }, () => Math.floor(words * rand() * rand()) + 1000));
}
