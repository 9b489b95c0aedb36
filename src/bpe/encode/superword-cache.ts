/**
 * The SuperBPE encoder's cache of stage-2 pieces and their ids: direct-mapped (a new piece overwrites the one
 * in its slot), keyed by the piece's UTF-16 code units read straight from the text, so a lookup neither slices
 * the text nor UTF-8 encodes it, and a full cache never has to be cleared. The key is compared whole on every
 * hit. Pieces longer than MAX_UNITS code units, or of more than MAX_UNITS tokens, are not cached.
 */
import { hashUnits } from '../units-hash.js';
/** The longest piece (in UTF-16 code units) the cache holds, and the most ids it keeps for one. */
export const MAX_UNITS = 64;

export class SuperwordCache {
  readonly slots: number;
  private readonly mask: number;
  private readonly keyLen: Int32Array;
  private readonly keys: Uint16Array;
  /** Per slot: the number of ids, then up to MAX_UNITS ids. */
  readonly ids: Int32Array;

  /** A cache of about `size` pieces (rounded down to a power of two, at least 1). */
  constructor(size: number) {
    let slots = 1;
    while (slots * 2 <= size) slots *= 2;
    this.slots = slots;
    this.mask = slots - 1;
    this.keyLen = new Int32Array(slots).fill(-1);
    this.keys = new Uint16Array(slots * MAX_UNITS);
    this.ids = new Int32Array(slots * (MAX_UNITS + 1));
  }

  /**
   * The slot of the piece `text[s, e)` (e - s <= MAX_UNITS): its index if the piece is cached there (its ids
   * start at `ids[slot * (MAX_UNITS + 1)]`, the count first), else `~index` of the slot to store it in.
   */
  find(text: string, s: number, e: number): number {
    const slot = hashUnits(text, s, e) & this.mask;
    const n = e - s;
    if (this.keyLen[slot] !== n) return ~slot;
    const keys = this.keys;
    const base = slot * MAX_UNITS - s;
    for (let i = s; i < e; i++) if (keys[base + i] !== text.charCodeAt(i)) return ~slot;
    return slot;
  }

  /** Store the piece `text[s, e)` with its ids `idsIn[0, count)` (count <= MAX_UNITS) in `slot` (from `~find(...)`). */
  store(slot: number, text: string, s: number, e: number, idsIn: Int32Array, count: number): void {
    this.keyLen[slot] = e - s;
    const keys = this.keys;
    const base = slot * MAX_UNITS - s;
    for (let i = s; i < e; i++) keys[base + i] = text.charCodeAt(i);
    const at = slot * (MAX_UNITS + 1);
    this.ids[at] = count;
    for (let k = 0; k < count; k++) this.ids[at + 1 + k] = idsIn[k];
  }
}
