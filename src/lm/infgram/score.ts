/**
 * Scoring a token sequence with the ∞-gram, interpolated with a fallback model as the infini-gram paper combines
 * its estimate with a neural LM (Liu et al. 2024, section 5): p = λ P∞ + (1 - λ) p_fallback, with one λ when the
 * ∞-gram estimate is sparse (a single token ever follows the suffix used) and another when it is not. An unseen
 * token has P∞ = 0 and takes (1 - λ) p_fallback, so the fallback must give every token a probability above 0
 * (the lab's Kneser-Ney model does: it interpolates down to the uniform distribution).
 *
 * The context grows by one token per step, and the longest usable suffix of the next context is at most one token
 * longer than the last (if s·t is followed by a token, s is followed by t): the next suffix range is the run of t
 * inside the last range when that run is followed, and a search among the shorter suffixes only when it is not.
 */
import type { InfiniGramIndex } from './index.js';
import { longestSuffix, probAfter, type SuffixMatch } from './next-tokens.js';
import { firstAtLeast, tokenRange } from './ranges.js';

export interface ScoreOptions {
  /** λ when the ∞-gram estimate is sparse; default 0.5. */
  lambdaSparse?: number;
  /** λ otherwise; default 0.2. */
  lambdaDense?: number;
}

export interface TokenScores {
  /** The interpolated probability of each token. */
  probs: Float64Array;
  /** P∞ of each token (0 where the corpus never has it after the suffix used). */
  infgramProbs: Float64Array;
  /** The suffix length P∞ used for each token (0: the unigram distribution). */
  suffixLengths: Uint32Array;
  /** 1 where the ∞-gram estimate was sparse. */
  sparse: Uint8Array;
  /** -Σ log2 probs: divide by the text's UTF-8 bytes for bits per byte. */
  bits: number;
}

/**
 * Scores `ids` (one sequence, scored from its start) given `fallback[i]` = the fallback model's P(ids[i] | ids[0, i)).
 *
 *   corpus lines [[1, 2, 3]]: scoreTokens(index, [1, 2], [0.5, 0.5])
 *     -> infgramProbs [1/3, 1] (unigram, then after [1] only 2), suffixLengths [0, 1], sparse [0, 1],
 *        probs [0.2·1/3 + 0.8·0.5, 0.5·1 + 0.5·0.5]
 */
export function scoreTokens(
  index: InfiniGramIndex,
  ids: ArrayLike<number>,
  fallback: ArrayLike<number>,
  options: ScoreOptions = {},
): TokenScores {
  if (fallback.length !== ids.length) throw new RangeError(`${ids.length} tokens but ${fallback.length} fallback probabilities`);
  const lambdaSparse = options.lambdaSparse ?? 0.5;
  const lambdaDense = options.lambdaDense ?? 0.2;
  const n = ids.length;
  const scores: TokenScores = {
    probs: new Float64Array(n),
    infgramProbs: new Float64Array(n),
    suffixLengths: new Uint32Array(n),
    sparse: new Uint8Array(n),
    bits: 0,
  };
  let match: SuffixMatch = { suffixLength: 0, range: { lo: 0, hi: index.tokenCount } };
  for (let i = 0; i < n; i++) {
    const p = probAfter(index, match, ids[i]);
    const lambda = p.total === 0 ? 0 : p.sparse ? lambdaSparse : lambdaDense;
    scores.infgramProbs[i] = p.prob;
    scores.suffixLengths[i] = match.suffixLength;
    scores.sparse[i] = p.sparse ? 1 : 0;
    scores.probs[i] = lambda * p.prob + (1 - lambda) * fallback[i];
    scores.bits -= Math.log2(scores.probs[i]);
    match = extend(index, match, ids, i);
  }
  return scores;
}

/** The longest usable suffix of ids[0, i + 1), from that of ids[0, i). */
function extend(index: InfiniGramIndex, match: SuffixMatch, ids: ArrayLike<number>, i: number): SuffixMatch {
  const symbol = index.denseId(ids[i]);
  if (symbol >= 0) {
    const k = match.suffixLength;
    const run = tokenRange(index, match.range.lo, match.range.hi, k, symbol);
    const followed = firstAtLeast(index, run.lo, run.hi, k + 1, index.separator);
    if (followed > run.lo) return { suffixLength: k + 1, range: { lo: run.lo, hi: followed } };
  }
  return longestSuffix(index, ids, match.suffixLength, i + 1);
}
