import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOS, EOS, countNGrams, parseIdLines, wordsOf } from '../src/lm/ngram-trie.js';
import { estimateKneserNey, logProb10, type KneserNeyModel } from '../src/lm/kneser-ney.js';
import { HAVE_SHARED, SKIP_SHARED_REASON, sharedPath } from './shared.js';

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

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe('Kneser-Ney distributions sum to 1', () => {
  it('on a random corpus, orders 1 to 8', () => {
    const rand = lcg(7);
    const lines: number[][] = [];
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(rand() * 12);
      const line: number[] = [];
      // skewed: small ids are frequent
      for (let j = 0; j < len; j++) line.push(Math.floor(60 * rand() * rand()) + 1000);
      lines.push(line);
    }
    for (let order = 1; order <= 8; order++) {
      const model = estimateKneserNey(countNGrams(lines, order));
      expect(worstSum(model, 40)).toBeLessThan(1e-9);
    }
  });

  it.skipIf(!HAVE_SHARED)(`on ../shared/fixtures/kenlm/train.ids, order 5 ${HAVE_SHARED ? '' : SKIP_SHARED_REASON}`, () => {
    const lines = parseIdLines(readFileSync(sharedPath('fixtures/kenlm/train.ids'), 'utf8'));
    const model = estimateKneserNey(countNGrams(lines, 5));
    expect(worstSum(model, 25)).toBeLessThan(1e-9);
  });
});
