/**
 * The ∞-gram next-token distribution: the longest suffix of a context that occurs followed by a token in the same
 * line, and the tokens that follow it, counted. Occurrence is monotone in the suffix's length (where a suffix
 * occurs followed by a token, so does each shorter one), so the longest is found by binary search on the length.
 * The counts come from the suffix range as infini-gram's `ntd` takes them: the range is ordered by the next
 * token, so each distinct next token is one run, found by galloping from its start (O(distinct log run), not
 * O(range)).
 */
import type { InfiniGramIndex } from './index.js';
import { firstAtLeast, patternRange, tokenAfter, tokenRange, type SuffixRange } from './ranges.js';

/** The next-token distribution after the longest usable suffix of a context. */
export interface NextTokens {
  /** Tokens of the context's suffix used (0: the unigram distribution of the corpus). */
  suffixLength: number;
  /** Occurrences of that suffix followed by a token in the same line: the sum of `counts`. */
  count: number;
  /** The next token ids, by count (highest first), then by id. */
  ids: Uint32Array;
  counts: Uint32Array;
}

/** The longest usable suffix: its length and the ranks of its occurrences that a token follows. */
export interface SuffixMatch {
  suffixLength: number;
  range: SuffixRange;
}

/**
 * The longest suffix of context[0, end) that occurs followed by a token of its line, among suffixes of at most
 * `maxLength` tokens.
 *
 *   corpus lines [[1, 2, 3], [2, 4]]: longestSuffix(index, [9, 1, 2]) -> length 2 ([1, 2]), 1 occurrence;
 *   longestSuffix(index, [4]) -> length 0 (4 ends its line: nothing follows it)
 */
export function longestSuffix(
  index: InfiniGramIndex,
  context: ArrayLike<number>,
  maxLength = context.length,
  end = context.length,
): SuffixMatch {
  const window = Math.min(maxLength, end);
  const dense = new Int32Array(window); // dense ids of context[end - window, end)
  let usable = 0; // the suffix past the last token the corpus lacks
  for (let j = window - 1; j >= 0; j--, usable++) {
    dense[j] = index.denseId(context[end - window + j]);
    if (dense[j] < 0) break;
  }
  let best: SuffixMatch = { suffixLength: 0, range: { lo: 0, hi: index.tokenCount } };
  let lo = 1;
  let hi = usable;
  while (lo <= hi) {
    const k = (lo + hi) >>> 1;
    const range = followedRange(index, dense, window - k, window);
    if (range.hi > range.lo) {
      best = { suffixLength: k, range };
      lo = k + 1;
    } else hi = k - 1;
  }
  return best;
}

/** The ranks of the occurrences of pattern[from, to) that a token of the same line follows. */
export function followedRange(index: InfiniGramIndex, pattern: ArrayLike<number>, from: number, to: number): SuffixRange {
  const r = patternRange(index, pattern, from, to);
  return { lo: r.lo, hi: firstAtLeast(index, r.lo, r.hi, to - from, index.separator) };
}

/**
 * The ∞-gram distribution of the token after `context`.
 *
 *   corpus lines [[1, 2, 3], [1, 2, 3], [5, 2, 4]]: nextTokens(index, [1, 2])
 *     -> { suffixLength: 2, count: 2, ids: [3], counts: [2] }
 *   nextTokens(index, [7, 2]) (7 unseen) -> { suffixLength: 1, count: 3, ids: [3, 4], counts: [2, 1] }
 */
export function nextTokens(index: InfiniGramIndex, context: ArrayLike<number>): NextTokens {
  const match = longestSuffix(index, context);
  if (match.suffixLength === 0) return copy(unigrams(index));
  return distribution(index, match);
}

/** The distribution of the tokens at offset `suffixLength` in the range, sorted by count then id. */
export function distribution(index: InfiniGramIndex, match: SuffixMatch): NextTokens {
  const { lo, hi } = match.range;
  const ids: number[] = [];
  const counts: number[] = [];
  for (let at = lo; at < hi;) {
    const symbol = tokenAfter(index, at, match.suffixLength);
    const runEnd = gallop(index, at, hi, match.suffixLength, symbol);
    ids.push(index.vocabulary[symbol]);
    counts.push(runEnd - at);
    at = runEnd;
  }
  const order = Array.from(ids.keys()).sort((a, b) => counts[b] - counts[a] || ids[a] - ids[b]);
  return {
    suffixLength: match.suffixLength,
    count: hi - lo,
    ids: Uint32Array.from(order, (i) => ids[i]),
    counts: Uint32Array.from(order, (i) => counts[i]),
  };
}

/** The end of the run of `symbol` that starts at `at` (ranks ordered by their token at `offset`): gallop, then bisect. */
function gallop(index: InfiniGramIndex, at: number, hi: number, offset: number, symbol: number): number {
  let step = 1;
  let lo = at + 1;
  while (lo + step < hi && tokenAfter(index, lo + step - 1, offset) === symbol) {
    lo += step;
    step *= 2;
  }
  return firstAtLeast(index, lo, Math.min(hi, lo + step), offset, symbol + 1);
}

/** The unigram distribution, counted once per index (it is the whole suffix array). */
const unigramCache = new WeakMap<InfiniGramIndex, NextTokens>();

function unigrams(index: InfiniGramIndex): NextTokens {
  let u = unigramCache.get(index);
  if (u === undefined) {
    u = distribution(index, { suffixLength: 0, range: { lo: 0, hi: index.tokenCount } });
    unigramCache.set(index, u);
  }
  return u;
}

function copy(d: NextTokens): NextTokens {
  return { ...d, ids: d.ids.slice(), counts: d.counts.slice() };
}

/** The ∞-gram probability of `id` after `context`, with what it rests on. */
export interface NextTokenProbability {
  /** count / total; 0 when the suffix is never followed by `id` (or the corpus is empty). */
  prob: number;
  suffixLength: number;
  /** Occurrences of the suffix followed by `id`. */
  count: number;
  /** Occurrences of the suffix followed by any token of its line. */
  total: number;
  /** Whether a single token ever follows the suffix (infini-gram's "sparse" estimate). */
  sparse: boolean;
}

/**
 * P∞(id | context) = count(suffix, id) / count(suffix followed by a token), the suffix being the longest usable one.
 *
 *   corpus lines [[1, 2, 3], [1, 2, 3], [5, 2, 4]]: prob(index, [7, 2], 3) -> { prob: 2 / 3, suffixLength: 1, ... }
 */
export function prob(index: InfiniGramIndex, context: ArrayLike<number>, id: number): NextTokenProbability {
  return probAfter(index, longestSuffix(index, context), id);
}

/** The probability of `id` after a suffix already matched. */
export function probAfter(index: InfiniGramIndex, match: SuffixMatch, id: number): NextTokenProbability {
  const { lo, hi } = match.range;
  const total = hi - lo;
  const sparse = total > 0 && tokenAfter(index, lo, match.suffixLength) === tokenAfter(index, hi - 1, match.suffixLength);
  const symbol = index.denseId(id);
  const n = symbol < 0 || total === 0 ? 0 : rangeSize(tokenRange(index, lo, hi, match.suffixLength, symbol));
  return { prob: total === 0 ? 0 : n / total, suffixLength: match.suffixLength, count: n, total, sparse };
}

function rangeSize(r: SuffixRange): number {
  return r.hi - r.lo;
}
