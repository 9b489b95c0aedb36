/**
 * The spans of a token sequence that occur verbatim in the corpus, maximal ones only (no span inside a longer
 * one that occurs). For each start a, the longest match ℓ(a) grows by narrowing the suffix range one token at a
 * time; the next start keeps ℓ(a) - 1 tokens (they occur: they are inside the last match), so the scan is
 * matching statistics: O(length) narrowing steps plus one fresh search per start.
 */
import { occurrencesIn } from './find.js';
import type { InfiniGramIndex, Occurrence } from './index.js';
import { patternRange, tokenRange, type SuffixRange } from './ranges.js';

export interface Span {
  /** Token offsets in the sequence: [start, end). */
  start: number;
  end: number;
  /** Occurrences in the corpus. */
  count: number;
  /** The first occurrences in corpus order. */
  first: Occurrence[];
}

export interface SpanOptions {
  /** Shortest span reported, in tokens; default 4. */
  minLength?: number;
  /** First occurrences given per span; default 3. */
  firstOccurrences?: number;
}

/**
 * The maximal spans of `ids` that occur in a line of the corpus, at least `minLength` tokens long, by start.
 *
 *   corpus lines [[1, 2, 3, 4], [3, 4, 5]]: maximalSpans(index, [9, 2, 3, 4, 5], { minLength: 2 })
 *     -> [{ start: 1, end: 4, count: 1, ... } (2 3 4), { start: 2, end: 5, count: 1, ... } (3 4 5)]
 */
export function maximalSpans(index: InfiniGramIndex, ids: ArrayLike<number>, options: SpanOptions = {}): Span[] {
  const minLength = Math.max(1, options.minLength ?? 4);
  const firstOccurrences = options.firstOccurrences ?? 3;
  const dense = Int32Array.from({ length: ids.length }, (_, i) => index.denseId(ids[i]));
  const spans: Span[] = [];
  let reach = 0; // the furthest end of a span found so far
  let length = 0; // tokens from `start` known to occur
  for (let start = 0; start < dense.length; start++) {
    let range = patternRange(index, dense, start, start + length);
    while (start + length < dense.length && dense[start + length] >= 0) {
      const next = tokenRange(index, range.lo, range.hi, length, dense[start + length]);
      if (next.hi === next.lo) break;
      range = next;
      length++;
    }
    if (start + length > reach && length > 0) {
      reach = start + length;
      if (length >= minLength) spans.push(spanOf(index, start, length, range, firstOccurrences));
    }
    if (length > 0) length--;
  }
  return spans;
}

function spanOf(index: InfiniGramIndex, start: number, length: number, range: SuffixRange, first: number): Span {
  return { start, end: start + length, count: range.hi - range.lo, first: occurrencesIn(index, range, { limit: first }) };
}
