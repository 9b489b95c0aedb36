/**
 * Bits per byte of a text under the ∞-gram interpolated with a Kneser-Ney model (src/lm/infgram/score-text.ts):
 * with λ = 0 it is the model's own score (scoreText), and otherwise the per-line ∞-gram scores (scoreTokens, with
 * the model's probabilities as fallback) plus the model's line ends.
 */
import { describe, expect, it } from 'vitest';
import { buildInfiniGram } from '../src/lm/infgram/build.js';
import { scoreTextInterpolated } from '../src/lm/infgram/score-text.js';
import { scoreTokens } from '../src/lm/infgram/score.js';
import { buildModel } from '../src/lm/model.js';
import { scoreSequence, scoreText } from '../src/lm/query.js';
import { tiktokenEncoding } from '../src/store/tokenizers.js';

const tokenizer = tiktokenEncoding('cl100k_base');
const corpus = ['the cat sat on the mat', '', 'the dog sat on the log', '猫坐在垫子上', 'a cat and a dog'];
const lines = corpus.map((l) => tokenizer.encodeOrdinary(l));
const index = buildInfiniGram(lines, { tokenizer: 'cl100k_base' });
const model = buildModel(
  lines.filter((l) => l.length > 0),
  { order: 3, vocabularySize: tokenizer.nVocab, tokenizer: 'cl100k_base' },
);
const text = 'the cat sat on the log\n\nthe dog and a mat\n猫坐在上面\n';

describe('scoreTextInterpolated', () => {
  it('with λ = 0 equals the Kneser-Ney model alone', () => {
    const got = scoreTextInterpolated(index, model, tokenizer, text, { lambdaSparse: 0, lambdaDense: 0 });
    const kn = scoreText(model, tokenizer, text);
    expect(got.bitsPerByte).toBeCloseTo(kn.bitsPerByte, 12);
    expect(got.modelBitsPerByte).toBeCloseTo(kn.bitsPerByte, 12);
    expect([got.sequences, got.tokens, got.bytes]).toEqual([kn.sequences, kn.tokens, kn.bytes]);
  });

  it('is the ∞-gram per line with the model as fallback, plus the model’s line ends', () => {
    let bits = 0;
    for (const line of text.split('\n').filter((l) => l !== '')) {
      const ids = tokenizer.encodeOrdinary(line);
      const kn = scoreSequence(model, ids).scores;
      bits +=
        scoreTokens(
          index,
          ids,
          Float64Array.from(ids, (_, i) => 2 ** kn[i].log2prob),
        ).bits - kn[ids.length].log2prob;
    }
    const got = scoreTextInterpolated(index, model, tokenizer, text);
    expect(got.bitsPerByte).toBeCloseTo(bits / Buffer.byteLength(text), 12);
    expect(got.seenShare).toBeGreaterThan(0);
  });
});
