/** How often a token sequence occurs in the corpus. */
import type { InfiniGramIndex } from './index.js';
import { denseIds, patternRange } from './ranges.js';

/**
 * Occurrences of `ids` inside the corpus's lines (a match never spans two lines). The empty sequence occurs once
 * per token.
 *
 *   corpus lines [[5, 7, 5], [7, 5]]: count(index, [7, 5]) -> 2, count(index, [5, 7]) -> 1, count(index, [5, 5]) -> 0
 */
export function count(index: InfiniGramIndex, ids: ArrayLike<number>): number {
  const dense = denseIds(index, ids);
  if (dense === null) return 0;
  const r = patternRange(index, dense, 0, dense.length);
  return r.hi - r.lo;
}
