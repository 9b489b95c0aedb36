import { byteLevelOrder } from '../formats/byte-level.js';
import { bytesToLatin1 } from '../bytes.js';
import { learnMerges, TrainingCancelled, type LearnedTokens } from './merge-loop.js';
import { TrainState, type Words } from './train-state.js';
import type { PieceCounts } from './piece-counts.js';
import type { SpecialToken } from '../vocabulary.js';

export interface TrainOptions {
  vocabSize: number;
  /** Stop when the best pair occurs fewer times than this (0 and 1 both mean: merge while any pair occurs). */
  minFrequency?: number;
  specials?: string[];
  /**
   * 'hf' reproduces Hugging Face `tokenizers`' BpeTrainer as its npm package trains (`Tokenizer.train`): while
   * training, ids of the initial alphabet in ByteLevel character order (the pair tie-break depends on them;
   * the result gives byte b the id b all the same) and a vocabulary budget that counts only the bytes present
   * in the corpus. 'none' orders bytes by value and budgets all 256.
   */
  compat?: 'none' | 'hf';
  onProgress?: (progress: TrainProgress) => void;
  /** Polled once per merge; true cancels training with TrainingCancelled. */
  shouldStop?: () => boolean;
}

export interface TrainProgress {
  merges: number;
  total: number;
  /** The latest merge: the token it made and how often its pair occurred. */
  token: Uint8Array;
  count: number;
}

export interface TrainResult {
  /** tokens[id]: ids 0-255 are the bytes by value (in both modes), then one id per new token in the order learned. */
  tokens: Uint8Array[];
  merges: Array<[number, number]>;
  specials: SpecialToken[];
  /** UTF-8 bytes per token on the training text, as the learned merges segment it (cut pieces included). */
  bytesPerToken: number;
}

export { TrainingCancelled };

/**
 * Learns byte-level BPE merges from counted pieces.
 *
 * Each unique piece is a word of symbol ids stored in one Int32Array. Pair counts are kept incrementally: a merge
 * rescans only the words listed with its queue entry and adds the count changes of the pairs it breaks and makes;
 * the words where a pair newly appears are listed in a new queue entry for that pair (stale entries are
 * re-queued with their current count when they surface). This is the algorithm of `tokenizers`' BpeTrainer,
 * so the 'hf' mode reproduces its merges exactly.
 */
export function trainBpe(pieces: PieceCounts, options: TrainOptions): TrainResult {
  const specials = checkSpecials(options.specials ?? []);
  const minimum = 256 + specials.length;
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < minimum) {
    throw new RangeError(
      `vocabulary size ${options.vocabSize} is too small: 256 byte tokens + ${specials.length} special tokens need at least ${minimum}`,
    );
  }
  if (pieces.counts.length === 0) throw new RangeError('the corpus is empty: there is nothing to train on');

  const compat = options.compat === 'hf';
  const byteOf = compat ? byteLevelOrder() : Array.from({ length: 256 }, (_, b) => b);
  const idOfByte = new Int32Array(256);
  byteOf.forEach((b, id) => (idOfByte[b] = id));

  const words = toWords(pieces, idOfByte);
  const present = compat ? countPresent(words.sym) : 256;
  const budget = options.vocabSize - specials.length - present; // new tokens we may create
  const state = new TrainState(words);
  const learned: LearnedTokens = { tokenBytes: byteOf.map((b) => Uint8Array.of(b)), idOfBytes: new Map(), merges: [] };
  learned.tokenBytes.forEach((t, id) => learned.idOfBytes.set(bytesToLatin1(t), id));
  learnMerges(state, learned, {
    tokens: 256 + budget,
    minFrequency: options.minFrequency ?? 0,
    shouldStop: options.shouldStop,
    onMerge: (token, count) => options.onProgress?.({ merges: learned.tokenBytes.length - 256, total: budget, token, count }),
  });
  const { tokenBytes, merges } = learned;

  // Internal ids differ from final ids only for the 256 bytes (in 'hf' mode they follow ByteLevel order).
  const finalId = (id: number) => (id < 256 ? byteOf[id] : id);
  const tokens = tokenBytes.slice();
  for (let id = 0; id < 256; id++) tokens[byteOf[id]] = tokenBytes[id];
  return {
    tokens,
    merges: merges.map(([a, b]) => [finalId(a), finalId(b)]),
    specials: specials.map((text, i) => ({ text, id: tokens.length + i })),
    bytesPerToken: bytesPerToken(pieces, words),
  };
}

function bytesPerToken(pieces: PieceCounts, words: Words): number {
  let bytes = 0;
  let tokens = 0;
  for (let w = 0; w < words.len.length; w++) {
    bytes += words.count[w] * (pieces.offsets[w + 1] - pieces.offsets[w]);
    tokens += words.count[w] * words.len[w];
  }
  return bytes / tokens;
}

function toWords(pieces: PieceCounts, idOfByte: Int32Array): Words {
  const n = pieces.counts.length;
  const sym = new Int32Array(pieces.bytes.length);
  for (let i = 0; i < sym.length; i++) sym[i] = idOfByte[pieces.bytes[i]];
  const start = pieces.offsets.subarray(0, n);
  const len = new Int32Array(n);
  for (let w = 0; w < n; w++) len[w] = pieces.offsets[w + 1] - pieces.offsets[w];
  return { sym, start, len, count: pieces.counts };
}

function countPresent(sym: Int32Array): number {
  const seen = new Uint8Array(256);
  for (let i = 0; i < sym.length; i++) seen[sym[i]] = 1;
  return seen.reduce((s, x) => s + x, 0);
}

function checkSpecials(specials: string[]): string[] {
  const seen = new Set<string>();
  for (const s of specials) {
    if (s.length === 0) throw new RangeError('a special token cannot be empty');
    if (seen.has(s)) throw new RangeError(`special token ${JSON.stringify(s)} is given twice`);
    seen.add(s);
  }
  return specials;
}
