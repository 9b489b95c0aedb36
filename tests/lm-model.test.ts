import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countNGrams, parseIdLines, wordsOf, type NGramTrie } from '../src/lm/ngram-trie.js';
import { estimateKneserNey } from '../src/lm/kneser-ney.js';
import { modelToArpa, toArpa } from '../src/lm/arpa.js';
import { parseArpa } from './oracles/arpa-reader.js';
import { buildModel, modelOfTrie, type LanguageModel } from '../src/lm/model.js';
import { decodeModel, encodeModel, ModelFileError } from '../src/lm/model-file.js';
import { scoreSequence, tokenProb } from '../src/lm/query.js';
import { CountArray, PackedInts } from '../src/lm/packed.js';
import { randomLines } from './random.js';
import { HAVE_SHARED, needsShared, sharedPath } from './shared.js';

/** Every n-gram's probability from the model, as log10, in trie order. */
function modelLogProbs(model: LanguageModel, trie: NGramTrie): Float64Array[] {
  return trie.levels.map((lev, l) =>
    Float64Array.from({ length: lev.word.length }, (_, i) => {
      const ws = wordsOf(trie, l, i);
      return Math.log10(model.prob(model.stateOf(ws.slice(0, -1)), ws[l]));
    }),
  );
}

describe('packed arrays', () => {
  it('read back every value at every width, across word boundaries', () => {
    for (const width of [1, 3, 15, 17, 31, 32]) {
      const max = 2 ** width - 1;
      const values = Array.from({ length: 100 }, (_, i) => (i * 2654435761) % (max + 1));
      const packed = PackedInts.pack(values, width);
      expect(Array.from({ length: 100 }, (_, i) => packed.get(i))).toEqual(values);
    }
  });

  it('counts: a narrow width with an overflow table for the tail', () => {
    const counts = [1, 1, 2, 1, 3, 70000, 1, 0, 2, 1, 1, 4096, 1, 1, 1, 1];
    const packed = CountArray.pack(counts);
    expect(packed.packed.width).toBeLessThan(4);
    expect([...packed.overflowAt]).toEqual([5, 11]);
    expect(counts.map((_, i) => packed.get(i))).toEqual(counts);
  });
});

describe('the packed model', () => {
  it("gives every n-gram the estimate's probability bit for bit (orders 1 to 6)", () => {
    const lines = randomLines(3, 300);
    for (let order = 1; order <= 6; order++) {
      const trie = countNGrams(lines, order);
      const model = modelOfTrie(trie, { mode: 'kenlm' });
      expect(model.discounts).toEqual(estimateKneserNey(trie).discounts);
      expect(modelLogProbs(model, trie)).toEqual(estimateKneserNey(trie).logProb);
    }
  });

  it('moves its state along a sequence like a state built from scratch', () => {
    const model = buildModel(randomLines(5, 200), { order: 4 });
    const words = [1, 5, 7, 3, 9, 4, 2].map((w) => Math.min(w, model.words - 1));
    const state = model.emptyState();
    for (let i = 0; i < words.length; i++) {
      expect(model.prob(state, words[i])).toBe(model.prob(model.stateOf(words.slice(0, i)), words[i]));
      model.push(state, words[i]);
      expect([...state]).toEqual([...model.stateOf(words.slice(0, i + 1))]);
    }
  });
});

describe('ARPA export of the packed model', () => {
  it('writes the same ARPA as the estimate from the same counts', () => {
    const trie = countNGrams(randomLines(4, 200), 4);
    expect(modelToArpa(decodeModel(encodeModel(modelOfTrie(trie, { mode: 'kenlm' }))))).toBe(toArpa(estimateKneserNey(trie)));
  });

  it('lab mode: <unk> carries the probability of each unseen token, and n-grams read back in order', () => {
    const model = buildModel(randomLines(6, 100), { order: 3, vocabularySize: 5000 });
    const arpa = parseArpa(modelToArpa(model));
    expect(arpa.ngrams[0].get('<unk>')!.logProb).toBeCloseTo(Math.log10(tokenProb(model, [], 4999)), 6);
    expect(arpa.counts).toEqual(model.ngramCounts);
    expect(model.ngramAt(2, 7).length).toBe(3);
  });
});

describe('the model file', () => {
  const model = buildModel(randomLines(9, 400, 300), { order: 5, vocabularySize: 2000, tokenizer: 'test', source: { corpus: 'random' } });
  const bytes = encodeModel(model);

  it('round trip: the same header, n-grams and probabilities, and the same bytes again', () => {
    const back = decodeModel(bytes);
    expect(back.info).toEqual(model.info);
    expect(back.ngramCounts).toEqual(model.ngramCounts);
    expect(back.discounts).toEqual(model.discounts);
    for (let l = 0; l < model.order; l++) {
      for (let i = 0; i < model.levelSize(l); i++) {
        expect(back.count(l, i)).toBe(model.count(l, i));
        expect(back.wordAt(l, i)).toBe(model.wordAt(l, i));
      }
    }
    const lines = randomLines(10, 50, 400);
    for (const line of lines) expect(scoreSequence(back, line).scores).toEqual(scoreSequence(model, line).scores);
    expect(encodeModel(back)).toEqual(bytes);
  });

  it('views the buffer without copying its arrays', () => {
    const back = decodeModel(bytes);
    expect(back.tokens.buffer).toBe(bytes.buffer);
    expect(back.levels[1].word!.buffer).toBe(bytes.buffer);
    expect(back.levels[1].word).toBeInstanceOf(Uint16Array); // 300 words: 16 bits each
    expect(back.levels[0].childStart!.buffer).toBe(bytes.buffer);
    for (const lev of back.levels) expect(lev.count.packed.words.byteOffset % 8).toBe(0);
  });

  it('refuses a truncated, damaged or foreign buffer with a clear error', () => {
    expect(() => decodeModel(bytes.slice(0, bytes.length - 8))).toThrow(/truncated model file: \d+ of \d+ bytes/);
    expect(() => decodeModel(bytes.slice(0, 10))).toThrow(ModelFileError);
    const damaged = bytes.slice();
    damaged[damaged.length - 20] ^= 0x40;
    expect(() => decodeModel(damaged)).toThrow(/checksum mismatch/);
    expect(() => decodeModel(new TextEncoder().encode('\\data\\\nngram 1=3\n' + ' '.repeat(40)))).toThrow(/not a tokenlab model file/);
    const future = bytes.slice();
    future[8] = 9;
    expect(() => decodeModel(future)).toThrow(/version 9/);
  });
});

describe.skipIf(!HAVE_SHARED)(needsShared('the packed model on ../shared/fixtures/kenlm'), () => {
  it("order 5: the estimate's probabilities, and query5.txt's totals and OOVs", () => {
    const trie = countNGrams(parseIdLines(readFileSync(sharedPath('fixtures/kenlm/train.ids'), 'utf8')), 5);
    const model = decodeModel(encodeModel(modelOfTrie(trie, { mode: 'kenlm' })));
    expect(modelLogProbs(model, trie)).toEqual(estimateKneserNey(trie).logProb);
    const totals = readFileSync(sharedPath('fixtures/kenlm/query5.txt'), 'utf8')
      .split('\n')
      .filter((s) => s.startsWith('Total:'));
    const test = parseIdLines(readFileSync(sharedPath('fixtures/kenlm/test.ids'), 'utf8'));
    test.forEach((line, i) => {
      const [, total, oov] = /^Total: (\S+) OOV: (\d+)$/.exec(totals[i])!;
      const s = scoreSequence(model, line);
      expect(s.oov).toBe(Number(oov));
      expect(Math.abs((s.log2prob * Math.LOG10E) / Math.LOG2E - Number(total))).toBeLessThanOrEqual(1e-5 + 1e-6 * Math.abs(Number(total)));
    });
  });
});
