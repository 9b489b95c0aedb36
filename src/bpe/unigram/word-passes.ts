/**
 * The per-word work of Unigram training, cut so that threads can share it: the E step's forward-backward
 * (each piece's expected count) and the pruning's Viterbi (each piece's count in the best segmentations). A
 * pass runs over WORD_BLOCKS fixed blocks of the words; each block sums from zero and the blocks are added in
 * order, so the result is the same bit for bit whichever thread ran which block (floating-point addition is not
 * associative, and SentencePiece's own thread count changes its sums).
 *
 * ```ts
 * const bounds = blockBounds(words);
 * const sums = addBlocks(runBlocks(task, words, wordCounts, bounds, 0, WORD_BLOCKS), task.pieces.length);
 * ```
 */
import { Lattice } from './em-step.js';
import { PieceTrie } from './piece-trie.js';
import { viterbi, ViterbiScratch } from './viterbi.js';

/** Blocks per pass: enough to spread over a few threads, few enough that their count arrays stay small. */
export const WORD_BLOCKS = 8;

export interface PassTask {
  /** 'expected': forward-backward marginals; 'viterbi': counts in the best segmentation. */
  pass: 'expected' | 'viterbi';
  pieces: readonly string[];
  scores: Float64Array;
  /** The score of a character no piece covers. */
  unknownScore: number;
}

/** A block's (or the whole pass's) sums: per-piece counts, and Σ count × log Z (expected pass only). */
export interface PassSums {
  counts: Float64Array;
  logLikelihood: number;
}

/** Runs passes over all the blocks; the trainer's default runs them on its own thread. */
export interface WordPasses {
  run(task: PassTask): Promise<PassSums[]>;
  close(): Promise<void>;
}

/** Starts the passes over a corpus's words (unique, with their counts). */
export type StartPasses = (words: readonly string[], wordCounts: Float64Array) => WordPasses;

/** Block b holds words[bounds[b] .. bounds[b + 1]); blocks hold about equal numbers of characters. */
export function blockBounds(words: readonly string[], blocks = WORD_BLOCKS): Int32Array {
  let total = 0;
  for (const w of words) total += w.length;
  const bounds = new Int32Array(blocks + 1);
  let b = 1;
  let seen = 0;
  for (let i = 0; i < words.length && b < blocks; i++) {
    seen += words[i].length;
    while (b < blocks && seen >= (total * b) / blocks) bounds[b++] = i + 1;
  }
  for (; b <= blocks; b++) bounds[b] = words.length;
  return bounds;
}

/** The sums of blocks first .. last - 1, each from zero. */
export function runBlocks(
  task: PassTask,
  words: readonly string[],
  wordCounts: Float64Array,
  bounds: Int32Array,
  first: number,
  last: number,
): PassSums[] {
  const trie = new PieceTrie(task.pieces);
  const sums: PassSums[] = [];
  const lattice = new Lattice();
  const scratch = new ViterbiScratch();
  for (let b = first; b < last; b++) {
    const counts = new Float64Array(task.pieces.length);
    let logLikelihood = 0;
    for (let w = bounds[b]; w < bounds[b + 1]; w++) {
      const word = words[w];
      if (task.pass === 'expected') {
        logLikelihood += wordCounts[w] * lattice.marginals(trie, task.scores, task.unknownScore, word, wordCounts[w], counts);
        continue;
      }
      const k = viterbi(trie, task.scores, task.unknownScore, word, 0, word.length, scratch);
      for (let j = 0; j < k; j++) if (scratch.pathPiece[j] >= 0) counts[scratch.pathPiece[j]] += wordCounts[w];
    }
    sums.push({ counts, logLikelihood });
  }
  return sums;
}

/** The blocks' sums added in block order. */
export function addBlocks(blocks: readonly PassSums[], pieces: number): PassSums {
  const counts = new Float64Array(pieces);
  let logLikelihood = 0;
  for (const block of blocks) {
    for (let i = 0; i < pieces; i++) counts[i] += block.counts[i];
    logLikelihood += block.logLikelihood;
  }
  return { counts, logLikelihood };
}

/** Passes on the calling thread. */
export function passesHere(words: readonly string[], wordCounts: Float64Array): WordPasses {
  const bounds = blockBounds(words);
  return {
    run: async (task) => runBlocks(task, words, wordCounts, bounds, 0, WORD_BLOCKS),
    close: async () => {},
  };
}
