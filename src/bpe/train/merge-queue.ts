import { grow, type PairTable } from './pair-table.js';

/**
 * The trainer's priority queue of candidate merges, a binary max-heap over typed arrays.
 *
 * Order (the tie-break): higher count first; on equal counts the smaller pair (left id, then right id) first,
 * as in Hugging Face `tokenizers`' BpeTrainer; and for two entries of the same pair and count (a pair can have
 * several entries, each with the words it was seen in at one step) the older entry first. The order is total,
 * so the merges never depend on the order in which words were counted.
 */
export class MergeQueue {
  size = 0;
  private count = new Float64Array(1024);
  private pair = new Int32Array(1024);
  private gen = new Int32Array(1024);
  private words = new Int32Array(1024);

  constructor(private readonly pairs: PairTable) {}

  get topCount(): number {
    return this.count[0];
  }
  get topPair(): number {
    return this.pair[0];
  }
  get topGen(): number {
    return this.gen[0];
  }
  /** The reference of the top entry's word list (owned by the trainer). */
  get topWords(): number {
    return this.words[0];
  }

  push(count: number, pair: number, gen: number, words: number): void {
    if (this.size === this.count.length) {
      this.count = grow(this.count);
      this.pair = grow(this.pair);
      this.gen = grow(this.gen);
      this.words = grow(this.words);
    }
    let i = this.size++;
    this.set(i, count, pair, gen, words);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): void {
    const last = --this.size;
    if (last === 0) return;
    this.set(0, this.count[last], this.pair[last], this.gen[last], this.words[last]);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const child = r < last && this.before(r, l) ? r : l;
      if (!this.before(child, i)) break;
      this.swap(i, child);
      i = child;
    }
  }

  private before(i: number, j: number): boolean {
    if (this.count[i] !== this.count[j]) return this.count[i] > this.count[j];
    const pi = this.pair[i];
    const pj = this.pair[j];
    if (pi !== pj) {
      const li = this.pairs.left[pi];
      const lj = this.pairs.left[pj];
      return li !== lj ? li < lj : this.pairs.right[pi] < this.pairs.right[pj];
    }
    return this.gen[i] < this.gen[j];
  }

  private set(i: number, count: number, pair: number, gen: number, words: number): void {
    this.count[i] = count;
    this.pair[i] = pair;
    this.gen[i] = gen;
    this.words[i] = words;
  }

  private swap(i: number, j: number): void {
    const c = this.count[i];
    const p = this.pair[i];
    const g = this.gen[i];
    const w = this.words[i];
    this.set(i, this.count[j], this.pair[j], this.gen[j], this.words[j]);
    this.set(j, c, p, g, w);
  }
}
