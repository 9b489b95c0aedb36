/**
 * Merges over token ids applied as training applied them: merge 0 everywhere (left to right), then merge 1,
 * and so on. This is what SuperBPE's stage-2 merges mean on a sequence of stage-1 tokens.
 *
 * Done literally it costs a pass per merge. The same result comes from a heap of (rank, position): every
 * adjacent pair is due at the first merge of that pair not yet passed when the pair formed (a pair formed by
 * merge k is due at its first merge ranked above k; one present from the start, at its first merge). Popping
 * the lowest (rank, position) merges as the passes do: within one rank, left to right; and a merge ranked k
 * never makes a pair ranked k again (its token is longer than either side), so each rank is one pass.
 *
 * `applyOrderedMerges([the, _cat], 2)` with the single merge (the, _cat) -> the_cat gives [the_cat].
 */
import { PairTable } from '../train/pair-table.js';
import type { MergeScratch } from '../hf/merge-word.js';

export class OrderedMerges {
  private readonly pairs = new PairTable();
  /** First merge (rank) of each pair id; -1 for none. */
  private first = new Int32Array(16).fill(-1);
  /** The next merge of the same pair after rank r; -1 for none. */
  private readonly next: Int32Array;
  /** The token each merge makes. */
  readonly result: Int32Array;
  readonly size: number;
  /** 1 for ids that are the left side of some merge, 2 for right sides (or both): most pairs need no lookup. */
  private side = new Uint8Array(0);

  /** `merges[r]` is merge r (left, right); `results[r]` the id of the token it makes. */
  constructor(merges: ReadonlyArray<readonly [number, number]>, results: ArrayLike<number>) {
    this.size = merges.length;
    this.next = new Int32Array(merges.length).fill(-1);
    this.result = Int32Array.from(results);
    const last = new Int32Array(merges.length);
    for (let r = 0; r < merges.length; r++) {
      const p = this.pairs.id(merges[r][0], merges[r][1]);
      if (p >= this.first.length) {
        const grown = new Int32Array(this.first.length * 2).fill(-1);
        grown.set(this.first);
        this.first = grown;
      }
      if (this.first[p] < 0) this.first[p] = r;
      else this.next[last[p]] = r;
      last[p] = r;
      this.mark(merges[r][0], 1);
      this.mark(merges[r][1], 2);
    }
  }

  private mark(id: number, bit: number): void {
    if (id >= this.side.length) {
      const grown = new Uint8Array(Math.max(id + 1, this.side.length * 2));
      grown.set(this.side);
      this.side = grown;
    }
    this.side[id] |= bit;
  }

  /** The first merge of (a, b) ranked above `after` (-1: the first), or -1 if none. */
  rankAfter(a: number, b: number, after: number): number {
    const side = this.side;
    if (a >= side.length || b >= side.length || (side[a] & 1) === 0 || (side[b] & 2) === 0) return -1;
    const p = this.pairs.find(a, b);
    if (p < 0) return -1;
    let r = this.first[p];
    while (r >= 0 && r <= after) r = this.next[r];
    return r;
  }
}

/** Positions fit in 32 bits: a heap key is rank * 2^32 + position, exact in a double for ranks below 2^21. */
const POS = 4294967296;

/**
 * Applies `merges` in order to `ids[0, n)` in place; returns the new length. A position is dead once merged
 * into its left neighbour (its `prev` is set to -2).
 */
export function applyOrderedMerges(merges: OrderedMerges, ids: Int32Array | number[], n: number, s: MergeScratch): number {
  if (n < 2 || merges.size === 0) return n;
  s.ensure(n);
  // The hf merge loop's scratch: `next` holds each position's right neighbour, `ranks` the merge it is due at.
  const { prev, next: nextPos, ranks: due, heap } = s;
  let size = 0;
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    nextPos[i] = i + 1;
    const r = i + 1 < n ? merges.rankAfter(ids[i], ids[i + 1], -1) : -1;
    due[i] = r;
    if (r >= 0) size = push(heap, size, r * POS + i);
  }
  if (size === 0) return n;
  while (size > 0) {
    const key = heap[0];
    size = pop(heap, size);
    const rank = Math.floor(key / POS);
    const i = key - rank * POS;
    if (prev[i] === -2 || due[i] !== rank) continue; // stale: merged away, or its pair changed
    const j = nextPos[i];
    const t = merges.result[rank];
    ids[i] = t;
    const k = nextPos[j];
    nextPos[i] = k;
    prev[j] = -2;
    if (k < n) prev[k] = i;
    due[i] = k < n ? merges.rankAfter(t, ids[k], rank) : -1;
    if (due[i] >= 0) size = push(heap, size, due[i] * POS + i);
    const h = prev[i];
    if (h >= 0) {
      due[h] = merges.rankAfter(ids[h], t, rank);
      if (due[h] >= 0) size = push(heap, size, due[h] * POS + h);
    }
  }
  let out = 0;
  for (let i = 0; i < n; i = nextPos[i]) ids[out++] = ids[i];
  return out;
}

function push(heap: Float64Array, size: number, key: number): number {
  let i = size;
  heap[i] = key;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= key) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = key;
  return size + 1;
}

function pop(heap: Float64Array, size: number): number {
  const last = heap[--size];
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const c = l + 1 < size && heap[l + 1] < heap[l] ? l + 1 : l;
    if (heap[c] >= last) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = last;
  return size;
}
