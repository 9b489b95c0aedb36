/**
 * The encoder's token lookup: every ordinary token's bytes in one Uint8Array arena (token `id` is
 * `arena[offsets[id] .. offsets[id + 1])`) and an open-addressing hash table (linear probing, FNV-1a over
 * the bytes) from byte strings to ids. Each slot keeps the token's hash beside its id, so a probe reads the
 * arena only when the hashes agree (most lookups of BPE find no token). Lookups take a byte range of any buffer
 * and allocate nothing.
 *
 * Two shortcut tables cover the commonest lookups of BPE: `byteId[b]` (the id of each single byte; tiktoken's
 * encodings do not give bytes the ids 0-255) and `pairRank[(a << 8) | b]` (the id of each two-byte token, or
 * NONE).
 */

/** "No such token": larger than every id, so it also serves as an infinite rank. */
export const NONE = 0x7fffffff;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int8Array(65536).fill(-1); // by UTF-16 code unit
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** A rank table that cannot be built: the message says why (the caller adds context). */
export class RankTableError extends Error {
  override name = 'RankTableError';
}

export class RankTable {
  /** Number of ordinary tokens (ids 0 .. size - 1). */
  readonly size: number;
  readonly arena: Uint8Array;
  readonly offsets: Uint32Array;
  readonly byteId: Int32Array;
  readonly pairRank: Int32Array;
  /** Tokens of 3 and 4 bytes by their bytes as one big-endian integer (`IntTable`): no hashing of bytes. */
  private readonly tri: IntTable;
  private readonly quad: IntTable;
  /** The length of the longest token, in bytes. */
  readonly maxLen: number;
  private readonly slots: Int32Array;
  private readonly mask: number;

  private constructor(arena: Uint8Array, offsets: Uint32Array, size: number) {
    this.arena = arena;
    this.offsets = offsets;
    this.size = size;
    let cap = 1024;
    while (cap < size * 2) cap *= 2;
    this.slots = new Int32Array(2 * cap).fill(-1); // id (-1: empty), hash
    this.mask = cap - 1;
    this.byteId = new Int32Array(256).fill(NONE);
    this.pairRank = new Int32Array(65536).fill(NONE);
    let maxLen = 0;
    let n3 = 0;
    let n4 = 0;
    for (let id = 0; id < size; id++) {
      const l = offsets[id + 1] - offsets[id];
      if (l === 3) n3++;
      else if (l === 4) n4++;
    }
    this.tri = new IntTable(n3);
    this.quad = new IntTable(n4);
    for (let id = 0; id < size; id++) {
      const s = offsets[id];
      const e = offsets[id + 1];
      if (e - s > maxLen) maxLen = e - s;
      if (e === s) throw new RankTableError(`token ${id} is empty`);
      const prev = this.insert(id, s, e);
      if (prev >= 0) throw new RankTableError(`tokens ${prev} and ${id} have the same bytes`);
      if (e - s === 1) this.byteId[arena[s]] = id;
      else if (e - s === 2) this.pairRank[(arena[s] << 8) | arena[s + 1]] = id;
      else if (e - s === 3) this.tri.set((arena[s] << 16) | (arena[s + 1] << 8) | arena[s + 2], id);
      else if (e - s === 4) this.quad.set((arena[s] << 24) | (arena[s + 1] << 16) | (arena[s + 2] << 8) | arena[s + 3], id);
    }
    this.maxLen = maxLen;
  }

  /** A table over `tokens[id]` for each id. Throws RankTableError on empty or duplicate tokens. */
  static fromTokens(tokens: readonly Uint8Array[]): RankTable {
    const n = tokens.length;
    const offsets = new Uint32Array(n + 1);
    let total = 0;
    for (let id = 0; id < n; id++) {
      const t = tokens[id];
      if (!(t instanceof Uint8Array)) throw new RankTableError(`token ${id} is not a byte string`);
      offsets[id] = total;
      total += t.length;
    }
    offsets[n] = total;
    const arena = new Uint8Array(total);
    for (let id = 0; id < n; id++) arena.set(tokens[id], offsets[id]);
    return new RankTable(arena, offsets, n);
  }

  /**
   * A table from the compact rank data the `tiktoken` npm package ships (`bpe_ranks` in `encoders/*.json`:
   * lines `! offset b64 b64 ...`, consecutive ranks from `offset`), or plain `b64 rank` lines. Ranks must be
   * dense from 0. Decodes base64 straight into the arena; no per-token objects.
   */
  static fromRankText(text: string): RankTable {
    const len = text.length;
    // Upper bounds: bytes <= 3/4 of the text; tokens <= number of spaces + newlines.
    let arena = new Uint8Array(Math.ceil(len * 0.75) + 4);
    let offsets = new Uint32Array(1024);
    let rankOf = new Int32Array(1024).fill(-1); // token index -> rank, used to reorder plain lines
    let n = 0;
    let o = 0;
    let lineNo = 0;
    let needSort = false;
    let pos = 0;
    const fail = (msg: string): never => {
      throw new RankTableError(`rank data line ${lineNo}: ${msg}`);
    };
    const grow = (): void => {
      const o2 = new Uint32Array(offsets.length * 2);
      o2.set(offsets);
      offsets = o2;
      const r2 = new Int32Array(rankOf.length * 2).fill(-1);
      r2.set(rankOf);
      rankOf = r2;
    };
    const readInt = (s: number, e: number): number => {
      if (s >= e || e - s > 10) fail(`rank ${JSON.stringify(text.slice(s, e))} is not an integer`);
      let v = 0;
      for (let k = s; k < e; k++) {
        const c = text.charCodeAt(k) - 48;
        if (c < 0 || c > 9) fail(`rank ${JSON.stringify(text.slice(s, e))} is not an integer`);
        v = v * 10 + c;
      }
      if (v >= 2 ** 31) fail(`rank ${v} is too large`);
      return v;
    };
    /** Decode text[s, e) as base64 into the arena at `o`, advancing it. */
    const decode = (s: number, e: number): void => {
      const l = e - s;
      if (l === 0 || (l & 3) !== 0) fail(`base64 length ${l} is not a positive multiple of 4`);
      let pad = 0;
      if (text.charCodeAt(e - 1) === 61) pad = text.charCodeAt(e - 2) === 61 ? 2 : 1;
      const full = pad ? e - 4 : e;
      let k = s;
      for (; k < full; k += 4) {
        const a = B64_VALUE[text.charCodeAt(k)];
        const b = B64_VALUE[text.charCodeAt(k + 1)];
        const c = B64_VALUE[text.charCodeAt(k + 2)];
        const d = B64_VALUE[text.charCodeAt(k + 3)];
        if ((a | b | c | d) < 0) fail(`invalid base64 in ${JSON.stringify(text.slice(s, e))}`);
        const v = (a << 18) | (b << 12) | (c << 6) | d;
        arena[o++] = v >> 16;
        arena[o++] = (v >> 8) & 255;
        arena[o++] = v & 255;
      }
      if (pad) {
        const a = B64_VALUE[text.charCodeAt(k)];
        const b = B64_VALUE[text.charCodeAt(k + 1)];
        const c = pad === 1 ? (B64_VALUE[text.charCodeAt(k + 2)]) : 0;
        if ((a | b | c) < 0) fail(`invalid base64 in ${JSON.stringify(text.slice(s, e))}`);
        const v = (a << 18) | (b << 12) | (c << 6);
        if (pad === 2) {
          if (v & 0xffff) fail('non-canonical base64 (nonzero bits before padding)');
          arena[o++] = v >> 16;
        } else {
          if (v & 0xff) fail('non-canonical base64 (nonzero bits before padding)');
          arena[o++] = v >> 16;
          arena[o++] = (v >> 8) & 255;
        }
      }
    };
    const addToken = (s: number, e: number, rank: number): void => {
      if (n + 1 >= offsets.length) grow();
      offsets[n] = o;
      rankOf[n] = rank;
      if (rank !== n) needSort = true;
      decode(s, e);
      n++;
    };
    while (pos < len) {
      lineNo++;
      let end = text.indexOf('\n', pos);
      if (end < 0) end = len;
      let lineEnd = end;
      if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      if (lineEnd > pos) {
        if (text.charCodeAt(pos) === 33 /* ! */) {
          if (text.charCodeAt(pos + 1) !== 32) fail('expected "! offset b64 ..."');
          let f = pos + 2;
          let sp = text.indexOf(' ', f);
          if (sp < 0 || sp > lineEnd) sp = lineEnd;
          let rank = readInt(f, sp);
          f = sp + 1;
          while (f <= lineEnd && sp < lineEnd) {
            sp = text.indexOf(' ', f);
            if (sp < 0 || sp > lineEnd) sp = lineEnd;
            addToken(f, sp, rank++);
            f = sp + 1;
          }
        } else {
          const sp = text.indexOf(' ', pos);
          if (sp < 0 || sp >= lineEnd || text.indexOf(' ', sp + 1) >= 0 && text.indexOf(' ', sp + 1) < lineEnd) {
            fail('expected "<base64 token> <rank>"');
          }
          addToken(pos, sp, readInt(sp + 1, lineEnd));
        }
      }
      pos = end + 1;
    }
    offsets[n] = o;
    if (needSort) {
      // Plain rank files may list ranks in any order: put the tokens in rank order.
      const byRank = new Int32Array(n).fill(-1);
      for (let i = 0; i < n; i++) {
        const r = rankOf[i];
        if (r >= n) throw new RankTableError(`rank ${firstMissing(rankOf, n)} is missing; ranks must be dense from 0`);
        if (byRank[r] >= 0) throw new RankTableError(`rank ${r} is given twice`);
        byRank[r] = i;
      }
      const a2 = new Uint8Array(o);
      const off2 = new Uint32Array(n + 1);
      let p = 0;
      for (let r = 0; r < n; r++) {
        const i = byRank[r];
        off2[r] = p;
        a2.set(arena.subarray(offsets[i], offsets[i + 1]), p);
        p += offsets[i + 1] - offsets[i];
      }
      off2[n] = p;
      return new RankTable(a2, off2, n);
    }
    arena = arena.slice(0, o);
    return new RankTable(arena, offsets.slice(0, n + 1), n);
  }

  private insert(id: number, s: number, e: number): number {
    const arena = this.arena;
    let h = 0x811c9dc5;
    for (let k = s; k < e; k++) h = Math.imul(h ^ arena[k], 0x01000193);
    const mask = this.mask;
    const slots = this.slots;
    const offsets = this.offsets;
    const len = e - s;
    for (let i = (h ^ (h >>> 15)) & mask; ; i = (i + 1) & mask) {
      const t = slots[2 * i];
      if (t < 0) {
        slots[2 * i] = id;
        slots[2 * i + 1] = h;
        return -1;
      }
      if (slots[2 * i + 1] !== h) continue;
      const ts = offsets[t];
      if (offsets[t + 1] - ts !== len) continue;
      let k = 0;
      while (k < len && arena[ts + k] === arena[s + k]) k++;
      if (k === len) return t;
    }
  }

  /** The id of the token with bytes `buf[s, e)`, or NONE. */
  get(buf: Uint8Array, s: number, e: number): number {
    const len = e - s;
    if (len === 1) return this.byteId[buf[s]];
    if (len === 2) return this.pairRank[(buf[s] << 8) | buf[s + 1]];
    if (len === 3) return this.tri.get((buf[s] << 16) | (buf[s + 1] << 8) | buf[s + 2]);
    if (len === 4) return this.quad.get((buf[s] << 24) | (buf[s + 1] << 16) | (buf[s + 2] << 8) | buf[s + 3]);
    let h = 0x811c9dc5;
    for (let k = s; k < e; k++) h = Math.imul(h ^ buf[k], 0x01000193);
    const mask = this.mask;
    const slots = this.slots;
    const offsets = this.offsets;
    const arena = this.arena;
    for (let i = (h ^ (h >>> 15)) & mask; ; i = (i + 1) & mask) {
      const t = slots[2 * i];
      if (t < 0) return NONE;
      if (slots[2 * i + 1] !== h) continue;
      const ts = offsets[t];
      if (offsets[t + 1] - ts !== len) continue;
      let k = 0;
      while (k < len && arena[ts + k] === buf[s + k]) k++;
      if (k === len) return t;
    }
  }

  /** The id of the token of 1 to 4 bytes given as one big-endian integer (`key`, `len` bytes), or NONE. */
  getPacked(key: number, len: number): number {
    if (len === 1) return this.byteId[key];
    if (len === 2) return this.pairRank[key];
    return len === 3 ? this.tri.get(key) : this.quad.get(key);
  }

  /** The bytes of token `id`, a view into the arena (do not modify). */
  bytes(id: number): Uint8Array {
    return this.arena.subarray(this.offsets[id], this.offsets[id + 1]);
  }

  /** Views of every token's bytes, by id. */
  tokenViews(): Uint8Array[] {
    const out: Uint8Array[] = new Array(this.size);
    for (let id = 0; id < this.size; id++) out[id] = this.bytes(id);
    return out;
  }
}

/**
 * int32 key -> id, open addressing with linear probing; absent keys give NONE. Keys are distinct. Each slot is
 * a key and its id side by side in one array, so a lookup reads one cache line, not one in each of two arrays.
 */
class IntTable {
  private readonly slots: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(n: number) {
    let bits = 4;
    while (1 << bits < n * 2) bits++;
    this.slots = new Int32Array(2 << bits);
    for (let i = 1; i < this.slots.length; i += 2) this.slots[i] = NONE;
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
  }

  set(key: number, id: number): void {
    const slots = this.slots;
    for (let i = Math.imul(key, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & this.mask) {
      if (slots[2 * i + 1] === NONE) {
        slots[2 * i] = key;
        slots[2 * i + 1] = id;
        return;
      }
    }
  }

  get(key: number): number {
    const slots = this.slots;
    for (let i = Math.imul(key, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & this.mask) {
      const v = slots[2 * i + 1];
      if (v === NONE || slots[2 * i] === key) return v;
    }
  }
}

/** The smallest rank in 0 .. n - 1 that no token has. */
function firstMissing(rankOf: Int32Array, n: number): number {
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (rankOf[i] < n) seen[rankOf[i]] = 1;
  for (let r = 0; r < n; r++) if (!seen[r]) return r;
  return n;
}
