/**
 * The encoder's cache of pieces that needed BPE: direct-mapped (a new piece overwrites the one in its slot),
 * keyed by the piece's UTF-8 bytes, all in typed arrays, so a lookup allocates nothing and a full cache never
 * has to be cleared. Pieces longer than MAX_BYTES are not cached. `CacheSlots` is what it shares with SuperBPE's
 * cache of stage-2 pieces (superword-cache.ts), which is keyed by code units.
 */

/** The longest piece (in UTF-8 bytes) the cache holds; a piece of n bytes has at most n tokens. */
export const MAX_BYTES = 64;

/** A direct-mapped cache's slots: each key's length (-1 when empty) and each slot's ids. */
export class CacheSlots {
  readonly slots: number;
  protected readonly mask: number;
  protected readonly keyLen: Int32Array;
  /** Per slot: the number of ids, then up to `width` ids. */
  readonly ids: Int32Array;

  /** About `size` slots (rounded down to a power of two, at least 1) of up to `width` ids each. */
  constructor(
    size: number,
    private readonly width: number,
  ) {
    let slots = 1;
    while (slots * 2 <= size) slots *= 2;
    this.slots = slots;
    this.mask = slots - 1;
    this.keyLen = new Int32Array(slots).fill(-1);
    this.ids = new Int32Array(slots * (width + 1));
  }

  /** Records a key of `keyLength` in `slot` with its ids `idsIn[0, count)` (count <= width). */
  protected setIds(slot: number, keyLength: number, idsIn: Int32Array, count: number): void {
    this.keyLen[slot] = keyLength;
    const at = slot * (this.width + 1);
    this.ids[at] = count;
    for (let k = 0; k < count; k++) this.ids[at + 1 + k] = idsIn[k];
  }
}

export class PieceCache extends CacheSlots {
  private readonly keys: Uint8Array;

  /** A cache of about `size` pieces (rounded down to a power of two, at least 1). */
  constructor(size: number) {
    super(size, MAX_BYTES);
    this.keys = new Uint8Array(this.slots * MAX_BYTES);
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
    const keys = this.keys;
    const base = slot * MAX_BYTES;
    for (let k = 0; k < n; k++) keys[base + k] = buf[k];
    this.setIds(slot, n, idsIn, count);
  }
}
