/**
 * Ranges of the suffix array: the ranks [lo, hi) whose suffixes start with a pattern of dense ids. Suffixes in a
 * range share the pattern, so they are ordered by the token that follows it (the separator, the largest symbol,
 * last): one more token narrows a range by two binary searches on one text position.
 */
import type { InfiniGramIndex } from './index.js';

/** A half-open range of suffix-array ranks. */
export interface SuffixRange {
  lo: number;
  hi: number;
}

/** The dense ids of `ids`, or null when one of them is not in the corpus (then nothing matches). */
export function denseIds(index: InfiniGramIndex, ids: ArrayLike<number>): Int32Array | null {
  const dense = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    dense[i] = index.denseId(ids[i]);
    if (dense[i] < 0) return null;
  }
  return dense;
}

/**
 * The range of suffixes starting with pattern[from, to) (dense ids), searched inside `within` (whose suffixes must
 * already share pattern[from, from + known)).
 */
export function patternRange(
  index: InfiniGramIndex,
  pattern: ArrayLike<number>,
  from: number,
  to: number,
  within: SuffixRange = { lo: 0, hi: index.tokenCount },
  known = 0,
): SuffixRange {
  let lo = within.lo;
  let hi = within.hi;
  for (let k = known; k < to - from && lo < hi; k++) {
    const r = tokenRange(index, lo, hi, k, pattern[from + k]);
    lo = r.lo;
    hi = r.hi;
  }
  return { lo, hi };
}

/**
 * Inside [lo, hi), whose suffixes agree on their first `offset` tokens: the ranks whose token at `offset` is
 * `symbol` (a dense id, or the separator).
 */
export function tokenRange(index: InfiniGramIndex, lo: number, hi: number, offset: number, symbol: number): SuffixRange {
  const start = firstAtLeast(index, lo, hi, offset, symbol);
  return { lo: start, hi: firstAtLeast(index, start, hi, offset, symbol + 1) };
}

/** The first rank in [lo, hi) whose token at `offset` is at least `symbol` (hi when none). */
export function firstAtLeast(index: InfiniGramIndex, lo: number, hi: number, offset: number, symbol: number): number {
  const { text, suffixes } = index;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (text.get(suffixes.get(mid) + offset) < symbol) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The token (dense id or separator) at `offset` after the suffix of rank `rank`. */
export function tokenAfter(index: InfiniGramIndex, rank: number, offset: number): number {
  return index.text.get(index.suffixes.get(rank) + offset);
}
