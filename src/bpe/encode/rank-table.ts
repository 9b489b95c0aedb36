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

/** A rank table that cannot be built: the message says why (the caller adds context). */
export class RankTableError extends Error {
  override name = 'RankTableError';

  /** For two tokens with the same bytes: their ids, the lower first. */
  constructor(
    message: string,
    readonly duplicate?: readonly [number, number],
  ) {
    super(message);
  }
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
      if (prev >= 0) throw new RankTableError(`tokens ${prev} and ${id} have the same bytes`, [prev, id]);
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
   * A table over tokens already laid out in one arena (token `id` is `arena[offsets[id], offsets[id + 1])`,
   * for ids below `size`), which the table keeps. Throws RankTableError on empty or duplicate tokens.
   */
  static fromArena(arena: Uint8Array, offsets: Uint32Array, size: number): RankTable {
    return new RankTable(arena, offsets, size);
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
