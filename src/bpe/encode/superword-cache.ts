/**
 * The SuperBPE encoder's cache of stage-2 pieces and their ids: direct-mapped (a new piece overwrites the one
 * in its slot), keyed by the piece's UTF-16 code units read straight from the text, so a lookup neither slices
 * the text nor UTF-8 encodes it, and a full cache never has to be cleared. The key is compared whole on every
 * hit. Pieces longer than MAX_UNITS code units, or of more than MAX_UNITS tokens, are not cached.
 */
import { hashUnits } from '../units-hash.js';
import { CacheSlots } from './piece-cache.js';

/** The longest piece (in UTF-16 code units) the cache holds, and the most ids it keeps for one. */
export const MAX_UNITS = 64;

export class SuperwordCache extends CacheSlots {
  private readonly keys: Uint16Array;

  /** A cache of about `size` pieces (rounded down to a power of two, at least 1). */
  constructor(size: number) {
    super(size, MAX_UNITS);
    this.keys = new Uint16Array(this.slots * MAX_UNITS);
  }

  /**
   * The slot of the piece `text[s, e)` (e - s <= MAX_UNITS): its index if the piece is cached there (its ids
   * start at `ids[slot * (MAX_UNITS + 1)]`, the count first), else `~index` of the slot to store it in.
   */
  find(text: string, s: number, e: number): number {
    const slot = hashUnits(text, s, e) & this.mask;
    if (this.keyLen[slot] !== e - s) return ~slot;
    const keys = this.keys;
    const base = slot * MAX_UNITS - s;
    for (let i = s; i < e; i++) if (keys[base + i] !== text.charCodeAt(i)) return ~slot;
    return slot;
  }

  /** Store the piece `text[s, e)` with its ids `idsIn[0, count)` (count <= MAX_UNITS) in `slot` (from `~find(...)`). */
  store(slot: number, text: string, s: number, e: number, idsIn: Int32Array, count: number): void {
    const keys = this.keys;
    const base = slot * MAX_UNITS - s;
    for (let i = s; i < e; i++) keys[base + i] = text.charCodeAt(i);
    this.setIds(slot, e - s, idsIn, count);
  }
}
