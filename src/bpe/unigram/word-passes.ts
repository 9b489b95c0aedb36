/**
 * The per-word work of Unigram training, cut so that threads can share it: the E step's forward-backward
 * (each piece's expected count) and the pruning's Viterbi (each piece's count in the best segmentations). A
 * pass runs over WORD_BLOCKS fixed blocks of the words; each block sums from zero and the blocks are added in
 * order, so the result is the same bit for bit whichever thread ran which block (floating-point addition is not
 * associative, and SentencePiece's own thread count changes its sums).
 *
 * ```ts
 * const bounds = blockBounds(words);
 * const sums = addBlocks(new WordBlocks(words, wordCounts, blockBounds(words)).run(task, 0, WORD_BLOCKS), task.pieces.length);
 * ```
 */
import { Lattice } from './em-step.js';
import { PieceTrie } from './piece-trie.js';
import { viterbi, ViterbiScratch } from './viterbi.js';
import { renumber, WordEdges } from './word-edges.js';

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

/** Lattice edges a thread keeps at most (10 bytes each); past it, each E step finds them again block by block. */
const KEPT_EDGES = 1 << 24;

/**
 * Runs passes over blocks of the words, on one thread. The E steps' lattice edges are kept between passes
 * (word-edges.ts), found again only when a pass's pieces are not a subsequence of those they were found with,
 * and not kept at all once they would outgrow `keptEdges`.
 */
export class WordBlocks {
  /** The pieces the kept edges were found with, and each block's edges. */
  private found: readonly string[] = [];
  private readonly edges = new Map<number, WordEdges>();
  private keeping = true;

  constructor(
    private readonly words: readonly string[],
    private readonly wordCounts: Float64Array,
    private readonly bounds: Int32Array,
    private readonly keptEdges = KEPT_EDGES,
  ) {}

  /** The sums of blocks first .. last - 1, each from zero. */
  run(task: PassTask, first: number, last: number): PassSums[] {
    const { words, wordCounts, bounds } = this;
    const keptIndex = task.pass === 'expected' && this.keeping ? this.edgesFor(task.pieces, first, last) : null;
    let trie: PieceTrie | null = null;
    const sums: PassSums[] = [];
    const lattice = new Lattice();
    const scratch = new ViterbiScratch();
    for (let b = first; b < last; b++) {
      const counts = new Float64Array(task.pieces.length);
      let logLikelihood = 0;
      let edges = keptIndex === null ? null : this.edges.get(b)!;
      let index = keptIndex;
      if (task.pass === 'expected' && edges === null) {
        edges = new WordEdges((trie ??= new PieceTrie(task.pieces)), words, bounds[b], bounds[b + 1]);
        index = identity(task.pieces.length);
      }
      for (let w = bounds[b]; w < bounds[b + 1]; w++) {
        const word = words[w];
        if (edges !== null) {
          const z = lattice.marginals(edges, w - bounds[b], index!, task.scores, task.unknownScore, word, wordCounts[w], counts);
          logLikelihood += wordCounts[w] * z;
          continue;
        }
        const k = viterbi((trie ??= new PieceTrie(task.pieces)), task.scores, task.unknownScore, word, 0, word.length, scratch);
        for (let j = 0; j < k; j++) if (scratch.pathPiece[j] >= 0) counts[scratch.pathPiece[j]] += wordCounts[w];
      }
      sums.push({ counts, logLikelihood });
    }
    return sums;
  }

  /**
   * Kept edges for blocks first .. last - 1 under `pieces` and the index that renumbers their pieces; null (and
   * no more keeping) when they would outgrow the limit.
   */
  private edgesFor(pieces: readonly string[], first: number, last: number): Int32Array | null {
    const index = renumber(this.found, pieces);
    let kept = index !== null;
    for (let b = first; b < last && kept; b++) kept = this.edges.has(b);
    if (!kept) {
      this.edges.clear();
      const trie = new PieceTrie(pieces);
      let total = 0;
      for (let b = first; b < last && total <= this.keptEdges; b++) {
        const edges = new WordEdges(trie, this.words, this.bounds[b], this.bounds[b + 1]);
        this.edges.set(b, edges);
        total += edges.count;
      }
      if (total > this.keptEdges) {
        this.edges.clear();
        this.keeping = false;
        return null;
      }
    } else if (pieces.length * 4 > this.found.length * 3) return index!;
    else for (const edges of this.edges.values()) edges.keep(index!); // a quarter or more are gone: skip them no more
    this.found = pieces;
    return identity(pieces.length);
  }
}

function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
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
  const blocks = new WordBlocks(words, wordCounts, blockBounds(words));
  return {
    run: async (task) => blocks.run(task, 0, WORD_BLOCKS),
    close: async () => {},
  };
}
