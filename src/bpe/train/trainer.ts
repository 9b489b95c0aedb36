import { byteLevelOrder } from '../formats/byte-level.js';
import { bytesToLatin1, concatBytes } from '../bytes.js';
import { MergeQueue } from './merge-queue.js';
import { grow, PairTable } from './pair-table.js';
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

export class TrainingCancelled extends Error {
  constructor() {
    super('training was cancelled');
    this.name = 'TrainingCancelled';
  }
}

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
  const tokenBytes: Uint8Array[] = byteOf.map((b) => Uint8Array.of(b));
  const idOfBytes = new Map<string, number>();
  tokenBytes.forEach((t, id) => idOfBytes.set(bytesToLatin1(t), id));
  const merges: Array<[number, number]> = [];
  const minFrequency = options.minFrequency ?? 0;

  const queue = state.queue;
  while (tokenBytes.length - 256 < budget && queue.size > 0) {
    if (options.shouldStop?.()) throw new TrainingCancelled();
    const pair = queue.topPair;
    const current = state.count[pair];
    if (queue.topCount !== current) {
      const gen = queue.topGen;
      const list = queue.topWords;
      queue.pop();
      queue.push(current, pair, gen, list);
      continue;
    }
    if (current < 1 || current < minFrequency) break;
    const a = state.pairs.left[pair];
    const b = state.pairs.right[pair];
    const bytes = concatBytes(tokenBytes[a], tokenBytes[b]);
    let t = idOfBytes.get(bytesToLatin1(bytes));
    if (t === undefined) {
      t = tokenBytes.length;
      tokenBytes.push(bytes);
      idOfBytes.set(bytesToLatin1(bytes), t);
    }
    merges.push([a, b]);
    const list = queue.topWords;
    queue.pop();
    state.merge(a, b, t, list, merges.length);
    options.onProgress?.({ merges: tokenBytes.length - 256, total: budget, token: bytes, count: current });
  }

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

interface Words {
  sym: Int32Array;
  start: Int32Array;
  len: Int32Array;
  count: Float64Array;
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

/** Words, pair counts and the queue, with the incremental update a merge makes. */
class TrainState {
  readonly pairs = new PairTable();
  readonly queue = new MergeQueue(this.pairs);
  count = new Float64Array(1 << 16);
  /**
   * Word lists of queue entries, by reference: list r is blocks[listBlock[r]][listStart[r] .. listEnd[r]).
   * Lists live in shared blocks (one per merge) as typed-array ranges, not views, to keep millions of them
   * cheap; a block is released when its last list is consumed.
   */
  private blocks: Int32Array[] = [];
  private blockLive: number[] = [];
  private listBlock = new Int32Array(1 << 16);
  private listStart = new Int32Array(1 << 16);
  private listEnd = new Int32Array(1 << 16);
  private lists = 0;
  private stampGen = new Int32Array(1 << 16).fill(-1);
  private stampWord = new Int32Array(1 << 16);
  private touched: number[] = [];
  private grown = new Int32Array(1024); // (pair, word) of each pair that appeared, this merge
  private grownLength = 0;

  constructor(private readonly words: Words) {
    this.countInitialPairs();
  }

  private pairId(a: number, b: number): number {
    const id = this.pairs.id(a, b);
    if (id === this.count.length) {
      this.count = grow(this.count);
      this.stampWord = grow(this.stampWord);
      const stamps = grow(this.stampGen);
      stamps.fill(-1, this.stampGen.length);
      this.stampGen = stamps;
    }
    return id;
  }

  private countInitialPairs(): void {
    const { sym, start, len, count } = this.words;
    let listed = new Int32Array(1 << 16); // how many words each pair occurs in
    for (let w = 0; w < len.length; w++) {
      for (let i = start[w], end = i + len[w] - 1; i < end; i++) {
        const p = this.pairId(sym[i], sym[i + 1]);
        if (p >= listed.length) listed = grow(listed, p + 1);
        this.count[p] += count[w];
        if (this.stampWord[p] !== w + 1) {
          this.stampWord[p] = w + 1;
          listed[p]++;
        }
      }
    }
    const offset = new Int32Array(this.pairs.size + 1);
    for (let p = 0; p < this.pairs.size; p++) offset[p + 1] = offset[p] + listed[p];
    const all = new Int32Array(offset[this.pairs.size]);
    const fill = offset.slice(0, this.pairs.size);
    this.stampWord.fill(0);
    for (let w = 0; w < len.length; w++) {
      for (let i = start[w], end = i + len[w] - 1; i < end; i++) {
        const p = this.pairs.id(sym[i], sym[i + 1]);
        if (this.stampWord[p] !== w + 1) {
          this.stampWord[p] = w + 1;
          all[fill[p]++] = w;
        }
      }
    }
    this.stampWord.fill(0);
    const block = this.addBlock(all);
    for (let p = 0; p < this.pairs.size; p++) {
      if (this.count[p] > 0) this.queue.push(this.count[p], p, 0, this.addList(block, offset[p], offset[p + 1]));
    }
  }

  private addBlock(words: Int32Array): number {
    this.blocks.push(words);
    this.blockLive.push(0);
    return this.blocks.length - 1;
  }

  private addList(block: number, start: number, end: number): number {
    const r = this.lists++;
    if (r === this.listBlock.length) {
      this.listBlock = grow(this.listBlock);
      this.listStart = grow(this.listStart);
      this.listEnd = grow(this.listEnd);
    }
    this.listBlock[r] = block;
    this.listStart[r] = start;
    this.listEnd[r] = end;
    this.blockLive[block]++;
    return r;
  }

  /** Replaces (a, b) by t in the words of list `ref`, as tokenizers' Word::merge does, left to right. */
  merge(a: number, b: number, t: number, ref: number, gen: number): void {
    const { sym, start, len, count } = this.words;
    const block = this.listBlock[ref];
    const list = this.blocks[block];
    for (let k = this.listStart[ref], kEnd = this.listEnd[ref]; k < kEnd; k++) {
      const w = list[k];
      const s = start[w];
      const end = s + len[w];
      let out = s;
      for (let r = s; r < end;) {
        if (sym[r] === a && r + 1 < end && sym[r + 1] === b) {
          const c = count[w];
          if (out > s) {
            this.count[this.pairId(sym[out - 1], a)] -= c;
            this.grow(this.pairId(sym[out - 1], t), c, w, gen);
          }
          if (r + 2 < end) {
            this.count[this.pairId(b, sym[r + 2])] -= c;
            this.grow(this.pairId(t, sym[r + 2]), c, w, gen);
          }
          sym[out++] = t;
          r += 2;
        } else {
          sym[out++] = sym[r++];
        }
      }
      len[w] = out - s;
    }
    if (--this.blockLive[block] === 0) this.blocks[block] = EMPTY;
    this.queueGrownPairs(gen);
  }

  /** Counts a new occurrence of pair p in word w and remembers w for p's next queue entry. */
  private grow(p: number, c: number, w: number, gen: number): void {
    this.count[p] += c;
    if (this.stampGen[p] === gen && this.stampWord[p] === w) return;
    if (this.stampGen[p] !== gen) {
      this.stampGen[p] = gen;
      this.touched.push(p);
    }
    this.stampWord[p] = w;
    if (this.grownLength + 2 > this.grown.length) this.grown = grow(this.grown);
    this.grown[this.grownLength++] = p;
    this.grown[this.grownLength++] = w;
  }

  /** One queue entry per pair that appeared in this merge, listing the words it appeared in. */
  private queueGrownPairs(gen: number): void {
    const touched = this.touched;
    if (touched.length === 0) return;
    // Group the (pair, word) records by pair: the stamp array holds each pair's slot during grouping.
    const sizes = new Int32Array(touched.length + 1);
    for (let i = 0; i < touched.length; i++) this.stampWord[touched[i]] = i;
    for (let i = 0; i < this.grownLength; i += 2) sizes[this.stampWord[this.grown[i]] + 1]++;
    for (let i = 0; i < touched.length; i++) sizes[i + 1] += sizes[i];
    const words = new Int32Array(this.grownLength >> 1);
    const fill = sizes.slice(0, touched.length);
    for (let i = 0; i < this.grownLength; i += 2) words[fill[this.stampWord[this.grown[i]]]++] = this.grown[i + 1];
    const block = this.addBlock(words);
    for (let i = 0; i < touched.length; i++) {
      const p = touched[i];
      this.stampWord[p] = -1;
      if (this.count[p] > 0) this.queue.push(this.count[p], p, gen, this.addList(block, sizes[i], sizes[i + 1]));
    }
    if (this.blockLive[block] === 0) this.blocks[block] = EMPTY;
    touched.length = 0;
    this.grownLength = 0;
  }
}

const EMPTY = new Int32Array(0);

function checkSpecials(specials: string[]): string[] {
  const seen = new Set<string>();
  for (const s of specials) {
    if (s.length === 0) throw new RangeError('a special token cannot be empty');
    if (seen.has(s)) throw new RangeError(`special token ${JSON.stringify(s)} is given twice`);
    seen.add(s);
  }
  return specials;
}
