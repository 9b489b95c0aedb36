/**
 * Where a token sequence occurs: its line and token offset, in corpus order, a page at a time. The suffix array
 * gives the occurrences in suffix order; a page in corpus order keeps the smallest offset + limit positions of the
 * range in a bounded max-heap (O(count log(offset + limit)), no sort of the whole range).
 */
import type { InfiniGramIndex, Occurrence } from './index.js';
import { denseIds, patternRange, type SuffixRange } from './ranges.js';

export interface FindPage {
  /** Occurrences to skip (in corpus order); default 0. */
  offset?: number;
  /** Occurrences to return at most; default 20. */
  limit?: number;
}

export interface FoundOccurrences {
  /** All occurrences of the sequence. */
  count: number;
  /** The page asked for, in corpus order. */
  occurrences: Occurrence[];
}

/**
 * The occurrences of `ids` (inside lines), in corpus order.
 *
 *   corpus lines [[5, 7, 5], [], [7, 5, 7, 5]]: find(index, [7, 5], { offset: 1, limit: 5 })
 *     -> { count: 3, occurrences: [{ line: 2, token: 0 }, { line: 2, token: 2 }] }
 */
export function find(index: InfiniGramIndex, ids: ArrayLike<number>, page: FindPage = {}): FoundOccurrences {
  const dense = denseIds(index, ids);
  if (dense === null) return { count: 0, occurrences: [] };
  const range = patternRange(index, dense, 0, dense.length);
  return { count: range.hi - range.lo, occurrences: occurrencesIn(index, range, page) };
}

/** A page of the occurrences in a suffix range, in corpus order. */
export function occurrencesIn(index: InfiniGramIndex, range: SuffixRange, page: FindPage = {}): Occurrence[] {
  const offset = Math.max(0, Math.floor(page.offset ?? 0));
  const limit = Math.max(0, Math.floor(page.limit ?? 20));
  const keep = Math.min(offset + limit, range.hi - range.lo);
  const positions = smallestPositions(index, range, keep);
  return Array.from(positions.subarray(offset), (p) => index.occurrenceAt(p));
}

/** The `keep` smallest text positions of the range, ascending. */
function smallestPositions(index: InfiniGramIndex, range: SuffixRange, keep: number): Float64Array {
  const heap = new Float64Array(keep); // a max-heap of the smallest positions seen
  let size = 0;
  for (let r = range.lo; r < range.hi && keep > 0; r++) {
    const p = index.suffixes.get(r);
    if (size < keep) siftUp(heap, size++, p);
    else if (p < heap[0]) siftDown(heap, size, p);
  }
  return heap.subarray(0, size).sort();
}

function siftUp(heap: Float64Array, at: number, value: number): void {
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (heap[parent] >= value) break;
    heap[at] = heap[parent];
    at = parent;
  }
  heap[at] = value;
}

/** Replaces the largest value with `value` and restores the heap. */
function siftDown(heap: Float64Array, size: number, value: number): void {
  let at = 0;
  for (;;) {
    let child = 2 * at + 1;
    if (child >= size) break;
    if (child + 1 < size && heap[child + 1] > heap[child]) child++;
    if (heap[child] <= value) break;
    heap[at] = heap[child];
    at = child;
  }
  heap[at] = value;
}
