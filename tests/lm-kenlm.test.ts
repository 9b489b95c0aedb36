import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOS, EOS, UNK, countNGrams, parseIdLines, wordsOf } from '../src/lm/ngram-trie.js';
import { estimateKneserNey, type KneserNeyModel } from '../src/lm/kneser-ney.js';
import { toArpa, wordName } from '../src/lm/arpa.js';
import { importArpa, parseArpa } from './oracles/arpa-reader.js';
import { findNGram, logProb10, scoreLine } from './oracles/backoff-scoring.js';
import { HAVE_SHARED, needsShared, sharedPath } from './shared.js';

const close = (a: number, b: number, tol = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol);

describe('modified Kneser-Ney on a hand-checked corpus', () => {
  // Lines "1 2" and "1 3", order 2. Adjusted unigram counts: 1, 2, 3 -> 1 each, </s> -> 2, <s> and <unk> 0.
  // Counts-of-counts have n3 = 0 at both orders, so the fallback discounts 0.5, 1, 1.5 apply.
  const trie = countNGrams(
    [
      [1, 2],
      [1, 3],
    ],
    2,
  );
  const model = estimateKneserNey(trie);
  const w = (t: number) => trie.vocab.indexOf(t);

  it('counts into the typed-array trie', () => {
    expect(trie.levels.map((l) => l.word.length)).toEqual([6, 5]);
    expect(trie.levels[1].count[findNGram(trie, [BOS, w(1)])]).toBe(2);
    expect(trie.levels[0].count[EOS]).toBe(2);
    expect(trie.levels[0].count[BOS]).toBe(0);
    expect(findNGram(trie, [w(2), w(1)])).toBe(-1);
    expect(model.usedFallback).toEqual([true, true]);
  });

  it('interpolates with the uniform distribution and lower orders', () => {
    // denominator 5, gamma(root) = (0.5*3 + 1*1)/5 = 0.5, uniform 1/5 (vocabulary without <s>).
    close(model.logProb[0][w(1)], Math.log10(0.2));
    close(model.logProb[0][EOS], Math.log10(0.3));
    close(model.logProb[0][UNK], Math.log10(0.1));
    expect(model.logProb[0][BOS]).toBe(0);
    close(model.logProb[1][findNGram(trie, [BOS, w(1)])], Math.log10(0.6));
    close(model.logProb[1][findNGram(trie, [w(1), w(2)])], Math.log10(0.35));
    close(model.logProb[1][findNGram(trie, [w(3), EOS])], Math.log10(0.65));
    close(model.logBackoff[0][BOS], Math.log10(0.5));
    expect(model.logBackoff[0][EOS]).toBe(0);
    // the unigram distribution (without <s>) sums to 1
    let s = 0;
    for (let i = 0; i < 6; i++) if (i !== BOS) s += 10 ** model.logProb[0][i];
    close(s, 1);
  });

  it('scores lines with backoff, counting OOVs', () => {
    close(scoreLine(model, [1, 2]).log10, Math.log10(0.6 * 0.35 * 0.65));
    close(scoreLine(model, [2, 1]).log10, Math.log10(0.1 * 0.1 * 0.15));
    const oov = scoreLine(model, [9]);
    close(oov.log10, Math.log10(0.05 * 0.3));
    expect(oov.oov).toBe(1);
    close(logProb10(model, [BOS, w(1)], w(3)), Math.log10(0.35));
  });

  it('exports ARPA that parses back to the same values', () => {
    const arpa = parseArpa(toArpa(model));
    expect(arpa.counts).toEqual([6, 5]);
    const e = arpa.ngrams[1].get('<s> 1')!;
    close(e.logProb, Math.log10(0.6), 1e-6);
    close(e.logBackoff, 0);
    close(arpa.ngrams[0].get('<s>')!.logBackoff, Math.log10(0.5), 1e-6);
  });

  it('imports its ARPA export and scores the same', () => {
    const back = importArpa(toArpa(model));
    expect(back.trie.levels.map((l) => l.word.length)).toEqual([6, 5]);
    for (const line of [[1, 2], [2, 1], [9], [3, 3, 1]]) close(scoreLine(back, line).log10, scoreLine(model, line).log10, 1e-6);
    expect(scoreLine(back, [9]).oov).toBe(1);
  });
});

function checkArpa(model: KneserNeyModel, file: string): number {
  const ref = parseArpa(readFileSync(file, 'utf8'));
  const { trie } = model;
  expect(trie.levels.map((l) => l.word.length)).toEqual(ref.counts);
  let maxErr = 0;
  for (let l = 0; l < trie.order; l++) {
    const map = ref.ngrams[l];
    for (let i = 0; i < trie.levels[l].word.length; i++) {
      const name = wordsOf(trie, l, i)
        .map((x) => wordName(trie, x))
        .join(' ');
      const r = map.get(name);
      if (!r) throw new Error(`${name} is not in ${file}`);
      const err = Math.max(Math.abs(r.logProb - model.logProb[l][i]), Math.abs(r.logBackoff - model.logBackoff[l][i]));
      if (err > 1e-5) throw new Error(`${name}: ${model.logProb[l][i]} ${model.logBackoff[l][i]} vs ${r.logProb} ${r.logBackoff}`);
      maxErr = Math.max(maxErr, err);
    }
  }
  return maxErr;
}

function checkQuery(model: KneserNeyModel, file: string): number {
  const totals = readFileSync(file, 'utf8')
    .split('\n')
    .filter((s) => s.startsWith('Total:'));
  const test = parseIdLines(readFileSync(sharedPath('fixtures/kenlm/test.ids'), 'utf8'));
  expect(totals.length).toBe(test.length);
  let maxErr = 0;
  for (let i = 0; i < test.length; i++) {
    const m = /^Total: (\S+) OOV: (\d+)$/.exec(totals[i])!;
    const s = scoreLine(model, test[i]);
    expect(s.oov).toBe(Number(m[2]));
    // query sums single-precision values and prints 8 significant digits: allow for that.
    const err = Math.abs(s.log10 - Number(m[1]));
    expect(err).toBeLessThanOrEqual(1e-5 + 1e-6 * Math.abs(s.log10));
    maxErr = Math.max(maxErr, err);
  }
  return maxErr;
}

describe.skipIf(!HAVE_SHARED)(needsShared('KenLM lmplz parity (../shared/fixtures/kenlm)'), () => {
  const lines = () => parseIdLines(readFileSync(sharedPath('fixtures/kenlm/train.ids'), 'utf8'));

  it('order 3: every n-gram of lm3.arpa and every line total of query3.txt', () => {
    const model = estimateKneserNey(countNGrams(lines(), 3));
    expect(model.usedFallback).toEqual([false, false, false]);
    // lmplz3.log: D1 D2 D3+ per order
    close(model.discounts[2][3], 0.12483, 1e-5);
    const arpaErr = checkArpa(model, sharedPath('fixtures/kenlm/lm3.arpa'));
    const queryErr = checkQuery(model, sharedPath('fixtures/kenlm/query3.txt'));
    console.log(`order 3: max |error| ARPA ${arpaErr.toExponential(2)}, query totals ${queryErr.toExponential(2)}`);
  });

  it('order 5: every n-gram of lm5.arpa (order 5 uses the fallback discounts) and query5.txt', () => {
    const model = estimateKneserNey(countNGrams(lines(), 5));
    expect(model.usedFallback).toEqual([false, false, false, false, true]);
    expect(model.discounts[4]).toEqual([0, 0.5, 1, 1.5]);
    const arpaErr = checkArpa(model, sharedPath('fixtures/kenlm/lm5.arpa'));
    const queryErr = checkQuery(model, sharedPath('fixtures/kenlm/query5.txt'));
    // the ARPA export, imported again, scores like the model
    const back = importArpa(toArpa(model));
    const test = parseIdLines(readFileSync(sharedPath('fixtures/kenlm/test.ids'), 'utf8'));
    for (const line of test.slice(0, 100)) close(scoreLine(back, line).log10, scoreLine(model, line).log10, 1e-4);
    console.log(`order 5: max |error| ARPA ${arpaErr.toExponential(2)}, query totals ${queryErr.toExponential(2)}`);
  });

  it('imported lm3.arpa and lm5.arpa reproduce query3.txt and query5.txt', () => {
    for (const n of [3, 5]) {
      const model = importArpa(readFileSync(sharedPath(`fixtures/kenlm/lm${n}.arpa`), 'utf8'));
      expect(model.trie.order).toBe(n);
      checkQuery(model, sharedPath(`fixtures/kenlm/query${n}.txt`));
    }
  });
});

describe('parseIdLines', () => {
  it('keeps empty lines as empty sequences and ignores the final newline', () => {
    expect(parseIdLines('1 2\n\n3\n').map((a) => [...a])).toEqual([[1, 2], [], [3]]);
    expect(() => parseIdLines('1 x\n')).toThrow(/not a token id/);
  });
});
