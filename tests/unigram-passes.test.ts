/**
 * Unigram training's per-word passes (src/bpe/unigram/word-passes.ts, src/jobs/unigram-passes.ts): the E step's
 * expected counts against a brute-force sum over every segmentation, the pruning's Viterbi counts against the
 * Viterbi segmentations one word at a time, and the same sums, bit for bit, on this thread and in 2 or 3 workers.
 */
import { describe, expect, it } from 'vitest';
import { PieceTrie } from '../src/bpe/unigram/piece-trie.js';
import { viterbi, ViterbiScratch } from '../src/bpe/unigram/viterbi.js';
import {
  addBlocks,
  blockBounds,
  passesHere,
  WORD_BLOCKS,
  WordBlocks,
  type PassTask,
  type WordPasses,
} from '../src/bpe/unigram/word-passes.js';
import { unigramPasses } from '../src/jobs/unigram-passes.js';
import { lcg } from './random.js';

const random = lcg(20_261_202);
const ALPHABET = ['a', 'b', 'c', 'd', '中', '😀'];
const pick = () => ALPHABET[Math.floor(random() * ALPHABET.length)];
const randomString = (max: number) => Array.from({ length: 1 + Math.floor(random() * max) }, pick).join('');

const pieces = [...new Set([...ALPHABET.slice(0, 4), ...Array.from({ length: 30 }, () => randomString(4))])];
const scores = Float64Array.from(pieces, () => -1 - 8 * random());
const unknownScore = -20;
const words = [...new Set(Array.from({ length: 400 }, () => randomString(7)))];
const wordCounts = Float64Array.from(words, () => 1 + Math.floor(random() * 50));
const task = (pass: PassTask['pass']): PassTask => ({ pass, pieces, scores, unknownScore });

/** Every segmentation of `word`: pieces, or one character alone (-1) where no piece is that character. */
function segmentations(word: string): number[][] {
  const chars = [...word];
  const index = new Map(pieces.map((p, i) => [p, i]));
  const from = (i: number): number[][] => {
    if (i === chars.length) return [[]];
    const out: number[][] = [];
    for (let j = i + 1; j <= chars.length; j++) {
      const id = index.get(chars.slice(i, j).join(''));
      if (id !== undefined) for (const rest of from(j)) out.push([id, ...rest]);
    }
    if (!index.has(chars[i])) for (const rest of from(i + 1)) out.push([-1, ...rest]);
    return out;
  };
  return from(0);
}

describe('Unigram passes', () => {
  it('E step: each piece’s expected count is the brute-force sum over all segmentations', async () => {
    const sums = addBlocks(await passesHere(words, wordCounts).run(task('expected')), pieces.length);
    const expected = new Float64Array(pieces.length);
    let logLikelihood = 0;
    for (let w = 0; w < words.length; w++) {
      const segs = segmentations(words[w]);
      const weights = segs.map((seg) => Math.exp(seg.reduce((s, p) => s + (p < 0 ? unknownScore : scores[p]), 0)));
      const z = weights.reduce((a, b) => a + b, 0);
      logLikelihood += wordCounts[w] * Math.log(z);
      segs.forEach((seg, k) => seg.forEach((p) => p >= 0 && (expected[p] += (wordCounts[w] * weights[k]) / z)));
    }
    for (let i = 0; i < pieces.length; i++) expect(sums.counts[i]).toBeCloseTo(expected[i], 8);
    expect(sums.logLikelihood).toBeCloseTo(logLikelihood, 6);
  });

  it('pruning: counts in the best segmentations, word by word', async () => {
    const sums = addBlocks(await passesHere(words, wordCounts).run(task('viterbi')), pieces.length);
    const trie = new PieceTrie(pieces);
    const scratch = new ViterbiScratch();
    const counts = new Float64Array(pieces.length);
    for (let w = 0; w < words.length; w++) {
      const k = viterbi(trie, scores, unknownScore, words[w], 0, words[w].length, scratch);
      for (let j = 0; j < k; j++) if (scratch.pathPiece[j] >= 0) counts[scratch.pathPiece[j]] += wordCounts[w];
    }
    expect(sums.counts).toEqual(counts);
  });

  it('cuts the words into blocks of about equal length, covering each word once', () => {
    const bounds = blockBounds(words);
    expect(bounds.length).toBe(WORD_BLOCKS + 1);
    expect(bounds[0]).toBe(0);
    expect(bounds[WORD_BLOCKS]).toBe(words.length);
    const lengths = Array.from({ length: WORD_BLOCKS }, (_, b) => words.slice(bounds[b], bounds[b + 1]).join('').length);
    const total = words.join('').length;
    for (const n of lengths) expect(Math.abs(n - total / WORD_BLOCKS)).toBeLessThanOrEqual(7 * 2);
    expect(blockBounds(['ab'])).toEqual(Int32Array.from([0, 1, 1, 1, 1, 1, 1, 1, 1]));
  });

  const startings: Record<string, () => WordPasses> = {
    'on this thread': () => passesHere(words, wordCounts),
    'in 2 worker threads': () => unigramPasses(2)(words, wordCounts),
    'keeping none (over the limit)': () => {
      const blocks = new WordBlocks(words, wordCounts, blockBounds(words), 100);
      return { run: async (t) => blocks.run(t, 0, WORD_BLOCKS), close: async () => {} };
    },
  };

  it.each(Object.keys(startings))('keeps lattice edges while pieces only go, with the sums of a fresh start (%s)', async (how) => {
    const passes = startings[how]();
    const hex = (a: Float64Array) => Array.from(a, (x) => x.toString(16));
    try {
      let kept = pieces.map((_, i) => i);
      for (let round = 0; round < 8; round++) {
        // pieces dropped in order (a few, or over a quarter), then once out of order (the edges found anew)
        if (round === 6) kept = kept.slice().reverse();
        else if (round > 0) kept = kept.filter((_, i) => i < 4 || random() < (round % 2 === 0 ? 0.9 : 0.6));
        const t: PassTask = {
          pass: 'expected',
          pieces: kept.map((i) => pieces[i]),
          scores: Float64Array.from(kept, (i) => scores[i]),
          unknownScore,
        };
        const again = addBlocks(await passes.run(t), kept.length);
        const fresh = addBlocks(await passesHere(words, wordCounts).run(t), kept.length);
        expect(hex(again.counts)).toEqual(hex(fresh.counts));
        expect(Object.is(again.logLikelihood, fresh.logLikelihood)).toBe(true);
      }
    } finally {
      await passes.close();
    }
  });

  it.each([2, 3])('gives the same block sums, bit for bit, in %i worker threads', async (threads) => {
    const here = passesHere(words, wordCounts);
    const workers = unigramPasses(threads)(words, wordCounts);
    try {
      for (const pass of ['expected', 'viterbi'] as const) {
        const a = await here.run(task(pass));
        const b = await workers.run(task(pass));
        expect(b.length).toBe(WORD_BLOCKS);
        b.forEach((block, i) => {
          expect(Array.from(block.counts, (x) => x.toString(16))).toEqual(Array.from(a[i].counts, (x) => x.toString(16)));
          expect(Object.is(block.logLikelihood, a[i].logLikelihood)).toBe(true);
        });
      }
    } finally {
      await workers.close();
    }
  });
});
