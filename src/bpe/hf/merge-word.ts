/**
 * Hugging Face's BPE merge loop (`Word::merge_all` in tokenizers' models/bpe/word.rs): among the adjacent pairs
 * that are merges, merge the one of lowest merge rank, the leftmost on ties, until none is left. This is not
 * tiktoken's rule (lowest rank of the token the pair makes): two pairs that make the same token have different
 * merge ranks here, and a pair whose concatenation is a token but which is not listed in `merges` never merges.
 *
 * Example, merges [(a,b), (b,c), (ab,c)]: "abc" → [a,b,c] → [ab,c] (rank 0 beats rank 1) → [abc].
 *
 * Short words (most pieces) take a linear scan per merge over a packed array; long ones (Gemma's lines,
 * Chinese runs) a binary heap of (rank, position) over a linked list, as `tokenizers` does, so a word of n
 * symbols costs O(n log n). Both pick the same pair each step.
 */
import type { MergeTable } from './merge-table.js';

/** Words up to this many symbols take the linear scan (see docs/encoder.md, Performance notes). */
const LINEAR_MAX = 24;
/** rank * POS_SPAN + pos orders heap entries by rank, then position; positions stay below 2^32. */
const POS_SPAN = 0x100000000;

/** Reusable buffers for mergeWord, grown on demand. */
export class MergeScratch {
  ranks = new Int32Array(64);
  next = new Int32Array(64);
  prev = new Int32Array(64);
  heap = new Float64Array(192);

  ensure(n: number): void {
    if (this.ranks.length >= n) return;
    const size = Math.max(n, this.ranks.length * 2);
    this.ranks = new Int32Array(size);
    this.next = new Int32Array(size);
    this.prev = new Int32Array(size);
    this.heap = new Float64Array(3 * size);
  }
}

/** Merges the symbols `ids[0, n)` in place; returns how many tokens remain, in `ids[0, count)`. */
export function mergeWord(table: MergeTable, ids: Int32Array, n: number, scratch: MergeScratch): number {
  if (n < 2) return n;
  scratch.ensure(n);
  return n <= LINEAR_MAX ? mergeLinear(table, ids, n, scratch.ranks) : mergeHeap(table, ids, n, scratch);
}

function mergeLinear(table: MergeTable, ids: Int32Array, n: number, ranks: Int32Array): number {
  const made = table.made;
  for (let i = 0; i + 1 < n; i++) ranks[i] = table.rank(ids[i], ids[i + 1]);
  let len = n;
  for (;;) {
    let best = -1;
    let bestRank = 0x7fffffff;
    for (let i = 0; i + 1 < len; i++) {
      const r = ranks[i];
      if (r >= 0 && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return len;
    ids[best] = made[bestRank];
    len--;
    for (let i = best + 1; i < len; i++) {
      ids[i] = ids[i + 1];
      ranks[i] = ranks[i + 1];
    }
    if (best > 0) ranks[best - 1] = table.rank(ids[best - 1], ids[best]);
    if (best + 1 < len) ranks[best] = table.rank(ids[best], ids[best + 1]);
  }
}

function mergeHeap(table: MergeTable, ids: Int32Array, n: number, scratch: MergeScratch): number {
  const { next, prev } = scratch;
  let heap = scratch.heap;
  const made = table.made;
  let size = 0;
  const push = (key: number): void => {
    if (size === heap.length) {
      const bigger = new Float64Array(heap.length * 2);
      bigger.set(heap);
      heap = scratch.heap = bigger;
    }
    let i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= key) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = key;
  };
  const pop = (): number => {
    const top = heap[0];
    const last = heap[--size];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && heap[c + 1] < heap[c]) c++;
      if (heap[c] >= last) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = last;
    return top;
  };
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
    if (i + 1 < n) {
      const r = table.rank(ids[i], ids[i + 1]);
      if (r >= 0) push(r * POS_SPAN + i);
    }
  }
  // A removed symbol has ids[pos] = -1. An entry is stale when its symbol was removed, has no right neighbour,
  // or the pair there is no longer that rank's pair (a pair only ever grows, so its rank cannot come back).
  let count = n;
  while (size > 0) {
    const key = pop();
    const rank = Math.floor(key / POS_SPAN);
    const pos = key - rank * POS_SPAN;
    const right = next[pos];
    if (ids[pos] < 0 || right < 0 || table.rank(ids[pos], ids[right]) !== rank) continue;
    ids[pos] = made[rank];
    ids[right] = -1;
    count--;
    const after = next[right];
    next[pos] = after;
    if (after >= 0) {
      prev[after] = pos;
      const r = table.rank(ids[pos], ids[after]);
      if (r >= 0) push(r * POS_SPAN + pos);
    }
    const before = prev[pos];
    if (before >= 0) {
      const r = table.rank(ids[before], ids[pos]);
      if (r >= 0) push(r * POS_SPAN + before);
    }
  }
  let k = 0;
  for (let i = 0; i < n; i++) if (ids[i] >= 0) ids[k++] = ids[i];
  return count;
}
