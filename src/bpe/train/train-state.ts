import { MergeQueue } from './merge-queue.js';
import { grow, PairTable } from './pair-table.js';

/** Words to merge: word w is sym[start[w] .. start[w] + len[w]) and occurs count[w] times. */
export interface Words {
  sym: Int32Array;
  start: Int32Array;
  len: Int32Array;
  count: Float64Array;
}

/** Words, pair counts and the queue, with the incremental update a merge makes. */
export class TrainState {
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

  /** Releases the word list `ref` of a queue entry that will not be merged. */
  drop(ref: number): void {
    const block = this.listBlock[ref];
    if (--this.blockLive[block] === 0) this.blocks[block] = EMPTY;
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
