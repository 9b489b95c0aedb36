/**
 * tiktoken's `_byte_pair_merge` on a byte range, with typed arrays and the RankTable: start from single
 * bytes and repeatedly merge the adjacent pair whose concatenation is the token of lowest rank (leftmost on
 * ties) until no adjacent pair concatenates to a token. Short pieces use tiktoken's linear scan; long ones a
 * binary heap keyed by (rank, start), which makes the same choices in O(n log n).
 */
import { NONE, type RankTable } from './rank-table.js';

/** Pieces up to this many bytes are merged by the scan; longer ones by the heap. */
export const SCAN_MAX = 48;

const starts = new Int32Array(SCAN_MAX + 2);
const ranks = new Int32Array(SCAN_MAX + 2);

/**
 * Merge `buf[0, n)`; writes the part boundaries [0, ..., n] into `bounds` (length at least n + 1) and returns
 * the number of parts. `bounds` may be reallocated: use the returned `BpeResult.bounds`.
 */
export function bytePairMergeBytes(table: RankTable, buf: Uint8Array, n: number, out: BpeResult): number {
  if (out.bounds.length < n + 1) out.bounds = new Int32Array(Math.max(n + 1, out.bounds.length * 2));
  if (n <= SCAN_MAX) return scan(table, buf, n, out.bounds);
  return heap(table, buf, n, out.bounds);
}

export interface BpeResult {
  bounds: Int32Array;
}

function scan(table: RankTable, buf: Uint8Array, n: number, bounds: Int32Array): number {
  if (n <= 1) {
    bounds[0] = 0;
    bounds[1] = n;
    return n;
  }
  const st = starts;
  const rk = ranks;
  const pair = table.pairRank;
  for (let i = 0; i < n; i++) st[i] = i;
  st[n] = n;
  for (let i = 0; i + 1 < n; i++) rk[i] = pair[(buf[i] << 8) | buf[i + 1]];
  rk[n - 1] = NONE;
  let m = n + 1; // number of boundaries
  for (;;) {
    let best = NONE;
    let at = -1;
    for (let k = 0; k < m - 2; k++) {
      if (rk[k] < best) {
        best = rk[k];
        at = k;
      }
    }
    if (at < 0) break;
    // Part `at` absorbs part `at + 1`.
    rk[at] = at + 3 < m ? table.get(buf, st[at], st[at + 3]) : NONE;
    if (at > 0) rk[at - 1] = table.get(buf, st[at - 1], st[at + 2]);
    m--;
    for (let k = at + 1; k < m; k++) {
      st[k] = st[k + 1];
      rk[k] = rk[k + 1];
    }
  }
  for (let k = 0; k < m; k++) bounds[k] = st[k];
  return m - 1;
}

let hNext = new Int32Array(0);
let hPrev = new Int32Array(0);
let hAlive = new Uint8Array(0);
let hKeys = new Float64Array(0);
let hEnds = new Int32Array(0);

function heap(table: RankTable, buf: Uint8Array, n: number, bounds: Int32Array): number {
  if (hNext.length < n + 1) {
    const c = Math.max(n + 1, hNext.length * 2);
    hNext = new Int32Array(c);
    hPrev = new Int32Array(c);
    hAlive = new Uint8Array(c);
    hKeys = new Float64Array(c);
    hEnds = new Int32Array(c);
  }
  const next = hNext;
  const prev = hPrev;
  const alive = hAlive;
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
    alive[i] = 1;
  }
  // Key = rank * (n + 1) + start: exact in a double while rank * (n + 1) < 2^53 (ranks < 2^24, n < 2^29).
  const stride = n + 1;
  let keys = hKeys;
  let ends = hEnds;
  let size = 0;
  const push = (key: number, end: number): void => {
    if (size === keys.length) {
      const k2 = new Float64Array(size * 2);
      k2.set(keys);
      keys = hKeys = k2;
      const e2 = new Int32Array(size * 2);
      e2.set(ends);
      ends = hEnds = e2;
    }
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] <= key) break;
      keys[i] = keys[p];
      ends[i] = ends[p];
      i = p;
    }
    keys[i] = key;
    ends[i] = end;
  };
  const pop = (): void => {
    const key = keys[--size];
    const end = ends[size];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && keys[c + 1] < keys[c]) c++;
      if (keys[c] >= key) break;
      keys[i] = keys[c];
      ends[i] = ends[c];
      i = c;
    }
    keys[i] = key;
    ends[i] = end;
  };
  const pushPair = (i: number): void => {
    const j = next[i];
    if (j >= n) return;
    const end = next[j];
    const r = table.get(buf, i, end);
    if (r !== NONE) push(r * stride + i, end);
  };
  for (let i = 0; i + 1 < n; i++) pushPair(i);
  while (size > 0) {
    const key = keys[0];
    const end = ends[0];
    pop();
    const i = key % stride;
    if (!alive[i]) continue;
    const j = next[i];
    if (j >= n || next[j] !== end) continue; // stale: the pair at i changed since this entry was pushed
    next[i] = end;
    if (end < n) prev[end] = i;
    alive[j] = 0;
    pushPair(i);
    if (prev[i] >= 0) pushPair(prev[i]);
  }
  let m = 0;
  for (let i = 0; i < n; i = next[i]) bounds[m++] = i;
  bounds[m] = n;
  return m;
}
