/**
 * The infini-gram engine (src/lm/infgram/) against scans of the corpus (tests/oracles/infgram-scan.ts): SA-IS
 * against sorting the suffixes, and count, next, prob, find and the maximal spans on random small corpora
 * (fast-check, fixed seed), empty lines and unseen ids included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildInfiniGram } from '../src/lm/infgram/build.js';
import { count } from '../src/lm/infgram/count.js';
import { find } from '../src/lm/infgram/find.js';
import { nextTokens, prob } from '../src/lm/infgram/next-tokens.js';
import { scoreTokens } from '../src/lm/infgram/score.js';
import { maximalSpans } from '../src/lm/infgram/spans.js';
import { suffixArray } from '../src/bpe/suffix-array.js';
import { lcg } from './random.js';
import { scanCount, scanMaximalSpans, scanNext, scanOccurrences } from './oracles/infgram-scan.js';

const SEED = Number(process.env.TOKENLAB_PROPERTY_SEED ?? 20_261_128);
const runs = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });

/** Token ids of a small alphabet (so that sequences repeat), spread out so that dense ids differ from them. */
const tokenId = fc.integer({ min: 0, max: 3 }).map((k) => 1000 + 37 * k);
/** Query ids: the corpus's and one it never has. */
const queryId = fc.integer({ min: 0, max: 4 }).map((k) => 1000 + 37 * k);
const corpus = fc.array(fc.array(tokenId, { maxLength: 9 }), { maxLength: 12 });
const query = fc.array(queryId, { maxLength: 6 });

function naiveSuffixArray(text: Int32Array): number[] {
  const order = Array.from(text.keys());
  return order.sort((a, b) => {
    for (let d = 0; ; d++) {
      if (a + d === text.length) return -1;
      if (b + d === text.length) return 1;
      if (text[a + d] !== text[b + d]) return text[a + d] - text[b + d];
    }
  });
}

describe('SA-IS', () => {
  it('equals sorting the suffixes, on random texts of small and large alphabets', () => {
    const rand = lcg(7);
    for (let trial = 0; trial < 2000; trial++) {
      const n = Math.floor(rand() * 80);
      const alphabet = 1 + Math.floor(rand() * (trial % 2 === 0 ? 4 : 300));
      const text = Int32Array.from({ length: n }, () => Math.floor(rand() * alphabet));
      expect(Array.from(suffixArray(text, alphabet))).toEqual(naiveSuffixArray(text));
    }
  });

  it('equals sorting the suffixes on runs and periodic texts (deep recursion)', () => {
    for (const text of [
      new Int32Array(300),
      Int32Array.from({ length: 300 }, (_, i) => i % 3),
      Int32Array.from({ length: 257 }, (_, i) => (i * i) % 5),
    ]) {
      expect(Array.from(suffixArray(text, 5))).toEqual(naiveSuffixArray(text));
    }
  });
});

describe('count and next equal scans of the corpus', () => {
  it('count(ids) is the number of occurrences inside lines', () => {
    fc.assert(
      fc.property(corpus, fc.array(query, { minLength: 1, maxLength: 8 }), (lines, queries) => {
        const index = buildInfiniGram(lines, { tokenizer: 'test' });
        for (const q of queries) expect(count(index, q)).toBe(scanCount(lines, q));
      }),
      runs(300),
    );
  });

  it('nothing matches across a line boundary', () => {
    const lines = [[1, 2], [3, 4], [], [2, 3]];
    const index = buildInfiniGram(lines, { tokenizer: 'test' });
    expect(count(index, [2, 3])).toBe(1);
    expect(count(index, [4, 2])).toBe(0);
    expect(count(index, [2, 3, 4])).toBe(0);
    expect(nextTokens(index, [1, 2])).toMatchObject({ suffixLength: 1, count: 1, ids: Uint32Array.from([3]) });
  });

  it('next(context) is the longest suffix followed by a token in its line, with the full distribution', () => {
    fc.assert(
      fc.property(corpus, fc.array(query, { minLength: 1, maxLength: 8 }), (lines, contexts) => {
        const index = buildInfiniGram(lines, { tokenizer: 'test' });
        for (const c of contexts) {
          const got = nextTokens(index, c);
          expect({ ...got, ids: Array.from(got.ids), counts: Array.from(got.counts) }).toEqual(scanNext(lines, c));
        }
      }),
      runs(300),
    );
  });

  it('prob(context, id) is the share of id in that distribution', () => {
    fc.assert(
      fc.property(corpus, query, queryId, (lines, c, id) => {
        const index = buildInfiniGram(lines, { tokenizer: 'test' });
        const want = scanNext(lines, c);
        const k = want.ids.indexOf(id);
        const n = k < 0 ? 0 : want.counts[k];
        expect(prob(index, c, id)).toEqual({
          prob: want.count === 0 ? 0 : n / want.count,
          suffixLength: want.suffixLength,
          count: n,
          total: want.count,
          sparse: want.ids.length === 1,
        });
      }),
      runs(300),
    );
  });
});

describe('find, maximal spans and scores equal scans of the corpus', () => {
  it('find(ids) pages through the occurrences in corpus order', () => {
    fc.assert(
      fc.property(corpus, query, fc.nat(6), fc.nat(6), (lines, q, offset, limit) => {
        const index = buildInfiniGram(lines, { tokenizer: 'test' });
        const all = scanOccurrences(lines, q);
        expect(find(index, q, { offset, limit })).toEqual({ count: all.length, occurrences: all.slice(offset, offset + limit) });
      }),
      runs(300),
    );
  });

  it('maximal spans: each longest match not inside a longer one, with its count and first occurrences', () => {
    fc.assert(
      fc.property(corpus, fc.array(queryId, { maxLength: 14 }), fc.integer({ min: 1, max: 3 }), (lines, ids, minLength) => {
        const index = buildInfiniGram(lines, { tokenizer: 'test' });
        const got = maximalSpans(index, ids, { minLength, firstOccurrences: 2 });
        const want = scanMaximalSpans(lines, ids, minLength).map((s) => ({
          ...s,
          first: scanOccurrences(lines, ids.slice(s.start, s.end)).slice(0, 2),
        }));
        expect(got).toEqual(want);
      }),
      runs(300),
    );
  });

  it('scores: per token the ∞-gram probability and suffix length of next(), interpolated with the fallback', () => {
    fc.assert(
      fc.property(corpus, fc.array(queryId, { maxLength: 14 }), (lines, ids) => {
        const index = buildInfiniGram(lines, { tokenizer: 'test' });
        const fallback = ids.map((_, i) => 1 / (i + 2));
        const got = scoreTokens(index, ids, fallback, { lambdaSparse: 0.8, lambdaDense: 0.4 });
        let bits = 0;
        ids.forEach((id, i) => {
          const want = scanNext(lines, ids.slice(0, i));
          const k = want.ids.indexOf(id);
          const pInf = k < 0 ? 0 : want.counts[k] / want.count;
          const lambda = want.count === 0 ? 0 : want.ids.length === 1 ? 0.8 : 0.4;
          expect(got.suffixLengths[i]).toBe(want.suffixLength);
          expect(got.infgramProbs[i]).toBe(pInf);
          expect(got.probs[i]).toBeCloseTo(lambda * pInf + (1 - lambda) * fallback[i], 12);
          bits -= Math.log2(got.probs[i]);
        });
        expect(got.bits).toBeCloseTo(bits, 9);
      }),
      runs(300),
    );
  });
});
