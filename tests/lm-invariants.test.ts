import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOS, EOS, countNGrams, parseIdLines, wordsOf } from '../src/lm/ngram-trie.js';
import { estimateKneserNey, type KneserNeyModel } from '../src/lm/kneser-ney.js';
import { logProb10 } from './oracles/backoff-scoring.js';
import { buildModel, END, type LanguageModel } from '../src/lm/model.js';
import { stateOfTokens, tokenProb } from '../src/lm/query.js';
import { lcg, randomLines } from './random.js';
import { HAVE_SHARED, needsShared, sharedPath } from './shared.js';

/** Largest |1 - sum over the vocabulary (without <s>) of P(w | context)| over sampled contexts of every order. */
function worstSum(model: KneserNeyModel, perOrder: number): number {
  const { trie } = model;
  const V = trie.levels[0].word.length;
  const contexts: number[][] = [[], [BOS]];
  for (let l = 0; l < trie.order - 1; l++) {
    const size = trie.levels[l].word.length;
    const step = Math.max(1, Math.floor(size / perOrder));
    for (let i = 0; i < size; i += step) {
      const ws = wordsOf(trie, l, i);
      if (ws[ws.length - 1] !== EOS) contexts.push(ws);
    }
  }
  // contexts that are not in the trie back off
  contexts.push([3, 3, 3, 3, 3, 3, 3].slice(0, trie.order - 1));
  let worst = 0;
  for (const ctx of contexts) {
    let s = 0;
    for (let w = 0; w < V; w++) if (w !== BOS) s += 10 ** logProb10(model, ctx, w);
    worst = Math.max(worst, Math.abs(1 - s));
  }
  return worst;
}

describe('Kneser-Ney distributions sum to 1', () => {
  it('on a random corpus, orders 1 to 8', () => {
    const lines = randomLines(7, 300);
    for (let order = 1; order <= 8; order++) {
      const model = estimateKneserNey(countNGrams(lines, order));
      expect(worstSum(model, 40)).toBeLessThan(1e-9);
    }
  });

  it.skipIf(!HAVE_SHARED)(needsShared('on ../shared/fixtures/kenlm/train.ids, order 5'), () => {
    const lines = parseIdLines(readFileSync(sharedPath('fixtures/kenlm/train.ids'), 'utf8'));
    const model = estimateKneserNey(countNGrams(lines, 5));
    expect(worstSum(model, 25)).toBeLessThan(1e-9);
  });
});

/** Contexts (dense words) of every order: entries of each level, sampled, plus ones the trie does not hold. */
function sampledContexts(model: LanguageModel, perOrder: number): number[][] {
  const contexts: number[][] = [[], [BOS]];
  for (let l = 0; l < model.order - 1; l++) {
    const size = model.levelSize(l);
    const step = Math.max(1, Math.floor(size / perOrder));
    for (let i = 0; i < size; i += step) contexts.push(model.ngramAt(l, i));
  }
  contexts.push([3, 3, 3, 3, 3, 3, 3].slice(0, model.order - 1), [0, 4]);
  return contexts;
}

/** |1 - sum over the whole vocabulary and </s>| for the context: seen words, plus every unseen token's share. */
function labSumError(model: LanguageModel, context: number[]): number {
  const dist = model.distribution(model.stateOf(context));
  let s = dist[0] * model.unseenTokens;
  for (let w = 2; w < dist.length; w++) s += dist[w];
  return Math.abs(1 - s);
}

describe('lab mode: distributions over the whole vocabulary sum to 1', () => {
  const lines: number[][] = [];
  const rand = lcg(11);
  for (let i = 0; i < 300; i++) lines.push(Array.from({ length: Math.floor(rand() * 12) }, () => Math.floor(80 * rand() * rand()) * 7));

  it('for sampled contexts of every order, orders 1 to 8', () => {
    for (let order = 1; order <= 8; order++) {
      const model = buildModel(lines, { order, vocabularySize: 1000 });
      expect(model.unseenTokens).toBe(1000 + 1 - (model.words - 2));
      let worst = 0;
      const contexts = sampledContexts(model, 40);
      expect(contexts.some((c) => c.length === order - 1 && model.find(c) >= 0)).toBe(order > 1);
      for (const ctx of contexts) worst = Math.max(worst, labSumError(model, ctx));
      expect(worst).toBeLessThan(1e-9);
    }
  });

  it('token by token: every id of the vocabulary and </s>, seen or not', () => {
    const model = buildModel(lines, { order: 3, vocabularySize: 1000 });
    for (const context of [[], [-1], [-1, 7, 14], [999, 998]]) {
      let s = tokenProb(model, context, END);
      for (let t = 0; t < 1000; t++) s += tokenProb(model, context, t);
      expect(Math.abs(1 - s)).toBeLessThan(1e-9);
    }
    expect(() => tokenProb(model, [], 1000)).toThrow(/outside the vocabulary/);
    expect(() => stateOfTokens(model, [-1, 5000])).toThrow(/outside the vocabulary/);
  });

  it.skipIf(!HAVE_SHARED)(needsShared('on ../shared/fixtures/kenlm/train.ids as lab mode, order 5'), () => {
    const ids = parseIdLines(readFileSync(sharedPath('fixtures/kenlm/train.ids'), 'utf8'));
    const max = ids.reduce((m, l) => l.reduce((a, b) => Math.max(a, b), m), 0);
    const model = buildModel(ids, { order: 5, vocabularySize: max + 5000 });
    let worst = 0;
    for (const ctx of sampledContexts(model, 25)) worst = Math.max(worst, labSumError(model, ctx));
    expect(worst).toBeLessThan(1e-9);
  });
});
