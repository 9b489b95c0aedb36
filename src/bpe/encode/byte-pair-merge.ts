/**
 * tiktoken's `_byte_pair_merge` on a byte range, with typed arrays and the RankTable: start from single
 * bytes and repeatedly merge the adjacent pair whose concatenation is the token of lowest rank (leftmost on
 * ties) until no adjacent pair concatenates to a token. The piece is first cut where no token can cross
 * (span-filter.ts explains why that changes nothing), and each part is merged alone: short parts by
 * tiktoken's linear scan, long ones by a binary heap keyed by (rank, start), which makes the same choices in
 * O(n log n).
 */
import { NONE, type RankTable } from './rank-table.js';
import { SpanFilter } from './span-filter.js';

/** Parts up to this many bytes are merged by the scan; longer ones by the heap. */
const SCAN_MAX = 48;

const starts = new Int32Array(SCAN_MAX + 2);
const ranks = new Int32Array(SCAN_MAX + 2);
const tokens = new Int32Array(SCAN_MAX + 2);

/**
 * Merge `buf[0, n)`; writes the part boundaries [0, ..., n] into `out.bounds` and the parts' token ids into
 * `out.ids`, and returns the number of parts. The arrays are grown when too short: read them from `out` after
 * the call.
 */
export function bytePairMergeBytes(table: RankTable, buf: Uint8Array, n: number, out: BpeResult): number {
  return mergeCut(table, buf, n, out, false);
}

/**
 * The tokens of a piece, as tiktoken makes them: the whole piece when it is a token, else the merge (results as
 * in bytePairMergeBytes). The whole piece is looked up only when no cut was found: a token equal to the piece
 * would cross every position, so a piece that can be cut is not one (most Han pieces are cut, and are spared
 * hashing all their bytes).
 */
export function pieceTokens(table: RankTable, buf: Uint8Array, n: number, out: BpeResult): number {
  return mergeCut(table, buf, n, out, true);
}

function mergeCut(table: RankTable, buf: Uint8Array, n: number, out: BpeResult, whole: boolean): number {
  if (out.bounds.length < n + 1) out.bounds = new Int32Array(Math.max(n + 1, out.bounds.length * 2));
  if (out.ids.length < n) out.ids = new Int32Array(out.bounds.length);
  const aids = aidsOf(table);
  const filter = aids.filter;
  let parts = 0;
  let from = 0;
  // From character to character (by the lead byte's length: any subset of the positions may be tested, so bytes
  // that are not UTF-8 do no harm), only where a character of two or more bytes begins or ends: between ASCII
  // bytes tokens nearly always cross.
  for (let p = charLength(buf[0]); p < n;) {
    const b = buf[p];
    if ((b >= 0xc0 || buf[p - 1] >= 0x80) && !filter.mayCross(buf, p, n)) {
      parts += mergeRange(aids, buf, from, p, out, parts);
      from = p;
    }
    p += charLength(b);
  }
  if (whole && from === 0 && n <= table.maxLen) {
    const id = table.get(buf, 0, n);
    if (id !== NONE) {
      out.bounds[0] = 0;
      out.ids[0] = id;
      out.bounds[1] = n;
      return 1;
    }
  }
  parts += mergeRange(aids, buf, from, n, out, parts);
  out.bounds[parts] = n;
  return parts;
}

/** The length of the UTF-8 character that starts with byte `b` (1 for a byte no character starts with). */
const charLength = (b: number): number => (b < 0xc0 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4);

export interface BpeResult {
  bounds: Int32Array;
  ids: Int32Array;
}

/**
 * What the merge keeps per rank table, built on first use: where pieces may be cut, and the merge of each 3-byte
 * character met alone (U+0800-U+FFFF, indexed by code point; cut Han runs are mostly single characters, and
 * one read of these tables replaces up to three lookups): `charHead[cp]` is 0 while unknown, else the number
 * of parts (1-3) plus 4 times the length of the first part in bytes; `charIds[3 * cp ...]` are the parts' ids.
 */
interface MergeAids {
  table: RankTable;
  filter: SpanFilter;
  charHead: Uint8Array;
  charIds: Int32Array;
  /** The pair memo (mergeCharPair): per slot the two code points as one int (0: empty), parts, ids. */
  pairKey: Int32Array;
  pairMeta: Int32Array;
  pairIds: Int32Array;
}

/** Slots of the pair memo, direct-mapped: 32,768 (1 MB with the ids). */
const PAIR_BITS = 15;

const aidsByTable = new WeakMap<RankTable, MergeAids>();

function aidsOf(table: RankTable): MergeAids {
  let aids = aidsByTable.get(table);
  if (aids === undefined) {
    aids = {
      table,
      filter: new SpanFilter(table),
      charHead: new Uint8Array(0x10000),
      charIds: new Int32Array(3 * 0x10000),
      pairKey: new Int32Array(1 << PAIR_BITS),
      pairMeta: new Int32Array(1 << PAIR_BITS),
      pairIds: new Int32Array(6 << PAIR_BITS),
    };
    aidsByTable.set(table, aids);
  }
  return aids;
}

/**
 * Merge `buf[s, e)` alone; writes its parts' starts at `out.bounds[at...]` and their ids at `out.ids[at...]`,
 * and returns their number.
 */
function mergeRange(aids: MergeAids, buf: Uint8Array, s: number, e: number, out: BpeResult, at: number): number {
  const table = aids.table;
  if (e - s === 3 && isChar3(buf, s)) return mergeChar(aids, buf, s, out, at);
  if (e - s === 6 && isChar3(buf, s) && isChar3(buf, s + 3)) return mergeCharPair(aids, buf, s, out, at);
  if (e - s <= 3) return mergeShort(table, buf, s, e, out, at);
  return e - s <= SCAN_MAX ? scan(table, buf, s, e, out, at) : heap(table, buf, s, e, out, at);
}

/** mergeRange for one 3-byte character at `s`, memoized per code point. */
function mergeChar(aids: MergeAids, buf: Uint8Array, s: number, out: BpeResult, at: number): number {
  const cp = codePoint3(buf, s);
  const { bounds, ids } = out;
  const head = aids.charHead[cp];
  const charIds = aids.charIds;
  if (head === 0) {
    const parts = mergeShort(aids.table, buf, s, s + 3, out, at);
    aids.charHead[cp] = parts | ((parts === 1 ? 3 : bounds[at + 1] - s) << 2);
    for (let k = 0; k < parts; k++) charIds[3 * cp + k] = ids[at + k];
    return parts;
  }
  const parts = head & 3;
  bounds[at] = s;
  ids[at] = charIds[3 * cp];
  if (parts === 1) return 1;
  bounds[at + 1] = s + (head >> 2);
  ids[at + 1] = charIds[3 * cp + 1];
  if (parts === 2) return 2;
  bounds[at + 2] = s + 2;
  ids[at + 2] = charIds[3 * cp + 2];
  return 3;
}

/**
 * Whether a 3-byte character starts at `s`: a lead byte and two continuation bytes (the memos are keyed by code
 * point, and bytes that are not UTF-8, which encodeBytes may be given, must not pass for a character).
 */
const isChar3 = (buf: Uint8Array, s: number): boolean =>
  (buf[s] & 0xf0) === 0xe0 && (buf[s + 1] & 0xc0) === 0x80 && (buf[s + 2] & 0xc0) === 0x80;

/** The code point of the 3-byte character at `s`. */
const codePoint3 = (buf: Uint8Array, s: number): number => ((buf[s] & 0x0f) << 12) | ((buf[s + 1] & 0x3f) << 6) | (buf[s + 2] & 0x3f);

/**
 * mergeRange for two 3-byte characters at `s`: the part a cut Han run leaves most often where a token crosses
 * (two-character words; on bench-mix most parts the scan would get), memoized by the two code points in a
 * direct-mapped table. `pairMeta` holds the number of parts (3 bits), then each later part's offset (3 bits
 * each).
 */
function mergeCharPair(aids: MergeAids, buf: Uint8Array, s: number, out: BpeResult, at: number): number {
  const key = (codePoint3(buf, s) << 16) | codePoint3(buf, s + 3);
  const slot = Math.imul(key, 0x9e3779b1) >>> (32 - PAIR_BITS);
  const { bounds, ids } = out;
  const pairIds = aids.pairIds;
  const base = slot * 6;
  if (aids.pairKey[slot] === key) {
    const meta = aids.pairMeta[slot];
    const parts = meta & 7;
    bounds[at] = s;
    ids[at] = pairIds[base];
    for (let k = 1; k < parts; k++) {
      bounds[at + k] = s + ((meta >> (3 * k)) & 7);
      ids[at + k] = pairIds[base + k];
    }
    return parts;
  }
  const parts = scan(aids.table, buf, s, s + 6, out, at);
  let meta = parts;
  for (let k = 0; k < parts; k++) {
    if (k > 0) meta |= (bounds[at + k] - s) << (3 * k);
    pairIds[base + k] = ids[at + k];
  }
  aids.pairKey[slot] = key;
  aids.pairMeta[slot] = meta;
  return parts;
}

/**
 * The scan's result for 1 to 3 bytes (most parts of a cut Han run are one character), worked out directly:
 * the lower of the two pairs merges first (the left one on ties), then the three bytes if they are a token.
 */
function mergeShort(table: RankTable, buf: Uint8Array, s: number, e: number, out: BpeResult, at: number): number {
  const { bounds, ids } = out;
  const byteId = table.byteId;
  bounds[at] = s;
  const left = e - s === 1 ? NONE : table.pairRank[(buf[s] << 8) | buf[s + 1]];
  const right = e - s === 3 ? table.pairRank[(buf[s + 1] << 8) | buf[s + 2]] : NONE;
  // Three bytes become one token only after one of their pairs has merged.
  const whole = e - s === 3 && (left !== NONE || right !== NONE) ? table.get(buf, s, e) : NONE;
  if (whole !== NONE) {
    ids[at] = whole;
    return 1;
  }
  if (left !== NONE && left <= right) {
    ids[at] = left;
    if (e - s === 2) return 1;
    bounds[at + 1] = s + 2;
    ids[at + 1] = byteId[buf[s + 2]];
    return 2;
  }
  ids[at] = byteId[buf[s]];
  if (e - s === 1) return 1;
  bounds[at + 1] = s + 1;
  if (right !== NONE) {
    ids[at + 1] = right;
    return 2;
  }
  ids[at + 1] = byteId[buf[s + 1]];
  if (e - s === 2) return 2;
  bounds[at + 2] = s + 2;
  ids[at + 2] = byteId[buf[s + 2]];
  return 3;
}

function scan(table: RankTable, buf: Uint8Array, s: number, e: number, out: BpeResult, at: number): number {
  const { bounds, ids } = out;
  const n = e - s;
  const st = starts;
  const rk = ranks;
  const tk = tokens;
  const pair = table.pairRank;
  for (let i = 0; i < n; i++) {
    st[i] = s + i;
    tk[i] = table.byteId[buf[s + i]];
  }
  st[n] = e;
  for (let i = 0; i + 1 < n; i++) rk[i] = pair[(buf[s + i] << 8) | buf[s + i + 1]];
  rk[n - 1] = NONE;
  let m = n + 1; // number of boundaries
  for (;;) {
    let best = NONE;
    let k = -1;
    for (let i = 0; i < m - 2; i++) {
      if (rk[i] < best) {
        best = rk[i];
        k = i;
      }
    }
    if (k < 0) break;
    // Part `k` absorbs part `k + 1`: it becomes the token whose rank (= id) was the pair's.
    tk[k] = best;
    rk[k] = k + 3 < m ? table.get(buf, st[k], st[k + 3]) : NONE;
    if (k > 0) rk[k - 1] = table.get(buf, st[k - 1], st[k + 2]);
    m--;
    for (let i = k + 1; i < m; i++) {
      st[i] = st[i + 1];
      rk[i] = rk[i + 1];
      tk[i] = tk[i + 1];
    }
  }
  for (let i = 0; i < m - 1; i++) {
    bounds[at + i] = st[i];
    ids[at + i] = tk[i];
  }
  return m - 1;
}

let hNext = new Int32Array(0);
let hPrev = new Int32Array(0);
let hAlive = new Uint8Array(0);
let hKeys = new Float64Array(0);
let hEnds = new Int32Array(0);

/** The merge of `buf[s, e)` by a heap over positions (absolute: the arrays are indexed by byte position). */
function heap(table: RankTable, buf: Uint8Array, s: number, e: number, out: BpeResult, at: number): number {
  const { bounds, ids } = out;
  if (hNext.length < e + 1) {
    const c = Math.max(e + 1, hNext.length * 2);
    hNext = new Int32Array(c);
    hPrev = new Int32Array(c);
    hAlive = new Uint8Array(c);
    hKeys = new Float64Array(c);
    hEnds = new Int32Array(c);
  }
  const next = hNext;
  const prev = hPrev;
  const alive = hAlive;
  for (let i = s; i < e; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
    alive[i] = 1;
  }
  // Key = rank * (e + 1) + start: exact in a double while rank * (e + 1) < 2^53 (ranks < 2^24, e < 2^29).
  const stride = e + 1;
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
    if (j >= e) return;
    const end = next[j];
    const r = table.get(buf, i, end);
    if (r !== NONE) push(r * stride + i, end);
  };
  for (let i = s; i + 1 < e; i++) pushPair(i);
  while (size > 0) {
    const key = keys[0];
    const end = ends[0];
    pop();
    const i = key % stride;
    if (!alive[i]) continue;
    const j = next[i];
    if (j >= e || next[j] !== end) continue; // stale: the pair at i changed since this entry was pushed
    next[i] = end;
    if (end < e) prev[end] = i;
    alive[j] = 0;
    pushPair(i);
    if (prev[i] >= s) pushPair(prev[i]);
  }
  let m = 0;
  for (let i = s; i < e; i = next[i]) {
    bounds[at + m] = i;
    ids[at + m++] = table.get(buf, i, next[i]);
  }
  return m;
}
