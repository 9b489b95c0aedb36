/**
 * Bits per byte of a text under the ∞-gram interpolated with the lab's Kneser-Ney model of the same tokenizer,
 * counted as the Kneser-Ney board counts them (src/lm/query.ts, `scoreText`): each non-empty line a sequence, its
 * tokens and its line end (`</s>`) scored, divided by the text's UTF-8 bytes. The ∞-gram predicts no line ends
 * (its distributions are of tokens followed inside a line), so a line end costs the model's P(</s>) alone.
 */
import type { LanguageModel } from '../model.js';
import { scoreSequence, type TextTokenizer } from '../query.js';
import type { InfiniGramIndex } from './index.js';
import { scoreTokens, type ScoreOptions } from './score.js';

export interface InterpolatedTextScore {
  /** Non-empty lines scored. */
  sequences: number;
  /** Tokens scored (line ends not counted). */
  tokens: number;
  /** UTF-8 bytes of the whole text, line breaks included. */
  bytes: number;
  /** The interpolation's bits per byte. */
  bitsPerByte: number;
  /** The Kneser-Ney model's alone, for comparison (equal to its `scoreText`). */
  modelBitsPerByte: number;
  /** Mean suffix length the ∞-gram used per token. */
  meanSuffixLength: number;
  /** Share of tokens whose ∞-gram probability was above 0. */
  seenShare: number;
}

/**
 * Scores `text` with the index and `model` interpolated (see score.ts for the rule and `options`).
 *
 *   scoreTextInterpolated(index, model, tokenizer, text, { lambdaSparse: 0, lambdaDense: 0 }).bitsPerByte
 *     === scoreText(model, tokenizer, text).bitsPerByte
 */
export function scoreTextInterpolated(
  index: InfiniGramIndex,
  model: LanguageModel,
  tokenizer: TextTokenizer,
  text: string,
  options: ScoreOptions = {},
): InterpolatedTextScore {
  let bits = 0;
  let modelBits = 0;
  let tokens = 0;
  let sequences = 0;
  let suffixSum = 0;
  let seen = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const ids = tokenizer.encodeOrdinary(line);
    const kn = scoreSequence(model, ids).scores; // the tokens, then </s>
    const fallback = Float64Array.from(ids, (_, i) => 2 ** kn[i].log2prob);
    const scores = scoreTokens(index, ids, fallback, options);
    const lineEnd = -kn[ids.length].log2prob;
    bits += scores.bits + lineEnd;
    modelBits += kn.reduce((s, t) => s - t.log2prob, 0);
    for (let i = 0; i < ids.length; i++) {
      suffixSum += scores.suffixLengths[i];
      if (scores.infgramProbs[i] > 0) seen++;
    }
    tokens += ids.length;
    sequences++;
  }
  const bytes = new TextEncoder().encode(text).length;
  return {
    sequences,
    tokens,
    bytes,
    bitsPerByte: bytes === 0 ? 0 : bits / bytes,
    modelBitsPerByte: bytes === 0 ? 0 : modelBits / bytes,
    meanSuffixLength: tokens === 0 ? 0 : suffixSum / tokens,
    seenShare: tokens === 0 ? 0 : seen / tokens,
  };
}
