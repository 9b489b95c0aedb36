/**
 * The encoder's cache of pieces that needed BPE: direct-mapped (a new piece overwrites the one in its slot),
 * keyed by the piece's UTF-8 bytes, all in typed arrays, so a lookup allocates nothing and a full cache never
 * has to be cleared. Pieces longer than MAX_BYTES are not cached.
 */

/** The longest piece (in UTF-8 bytes) the cache holds; a piece of n bytes has at most n tokens. */
export const MAX_BYTES = 64;

export class PieceCache {
  readonly slots: number;
  private readonly mask: number;
  private readonly keyLen: Int32Array;
  private readonly keys: Uint8Array;
  /** Per slot: the number of ids, then up to MAX_BYTES ids. */
  readonly ids: Int32Array;

  /** A cache of about `size` pieces (rounded down to a power of two, at least 1). */
  constructor(size: number) {
    let slots = 1;
    while (slots * 2 <= size) slots *= 2;
    this.slots = slots;
    this.mask = slots - 1;
    this.keyLen = new Int32Array(slots).fill(-1);
    this.keys = new Uint8Array(slots * MAX_BYTES);
    this.ids = new Int32Array(slots * (MAX_BYTES + 1));
  }

  /**
   * The slot of `buf[0, n)` (n <= MAX_BYTES): its index if the piece is cached there (its ids start at
   * `ids[slot * (MAX_BYTES + 1)]`, the count first), else `~index` of the slot to store it in.
   */
  find(buf: Uint8Array, n: number): number {
    let h = 0x811c9dc5;
    for (let k = 0; k < n; k++) h = Math.imul(h ^ buf[k], 0x01000193);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 15;
    const slot = h & this.mask;
    if (this.keyLen[slot] !== n) return ~slot;
    const keys = this.keys;
    const base = slot * MAX_BYTES;
    for (let k = 0; k < n; k++) if (keys[base + k] !== buf[k]) return ~slot;
    return slot;
  }

  /** Store the piece `buf[0, n)` with its ids `idsIn[0, count)` in `slot` (from `~find(...)`). */
  store(slot: number, buf: Uint8Array, n: number, idsIn: Int32Array, count: number): void {
    this.keyLen[slot] = n;
    const keys = this.keys;
    const base = slot * MAX_BYTES;
    for (let k = 0; k < n; k++) keys[base + k] = buf[k];
    const at = slot * (MAX_BYTES + 1);
    this.ids[at] = count;
    for (let k = 0; k < count; k++) this.ids[at + 1 + k] = idsIn[k];
  }
}
