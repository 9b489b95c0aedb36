/**
 * The tokens of recent short pieces, keyed by their UTF-16 units: a hit skips the UTF-8, the lookup of the
 * piece as a token, the initial symbols and the stretch cache. Direct-mapped, in one Int32Array of 64-byte slots:
 *
 *   slot: n (units) · the units, two to an int, zero-padded · count · the count tokens   (n = 0: empty)
 *
 * Most pieces are short (4 units on average over d2l) and recur: in 10 kB slices of d2l-zh, a cache of 16,384
 * slots of any piece found 92% of the pieces again, of 65,536 slots 96%.
 */

/** Ints per slot. */
const SLOT = 16;
/** The longest piece kept, in UTF-16 units, and the most tokens kept for it. */
export const MAX_UNITS = 12;
const KEY_WORDS = MAX_UNITS / 2;
export const MAX_TOKENS = SLOT - 2 - KEY_WORDS;

export class UnitPieceCache {
  readonly data: Int32Array;
  private readonly mask: number;
  /** The piece last looked up: its units as words, and its slot. */
  private readonly key = new Int32Array(KEY_WORDS);
  private base = 0;

  /** A cache of `slots` pieces (a power of two). */
  constructor(slots: number) {
    this.data = new Int32Array(slots * SLOT);
    this.mask = slots - 1;
  }

  /**
   * Where the tokens of text[start, end) (1 to MAX_UNITS units) are: if cached, the index in `data` of their
   * count (the tokens follow); else -1.
   */
  find(text: string, start: number, end: number): number {
    const key = this.key;
    const n = end - start;
    let h = n;
    let w = 0;
    for (let i = start; i < end; i += 2) {
      const word = text.charCodeAt(i) | (i + 1 < end ? text.charCodeAt(i + 1) << 16 : 0);
      key[w++] = word;
      h = Math.imul(h ^ word, 0x9e3779b1);
      h ^= h >>> 15;
    }
    const base = (h & this.mask) * SLOT;
    this.base = base;
    const data = this.data;
    if (data[base] !== n) return -1;
    for (let k = 0; k < w; k++) if (data[base + 1 + k] !== key[k]) return -1;
    return base + 1 + KEY_WORDS;
  }

  /** Keeps `tokens[0, count)` (count ≤ MAX_TOKENS) as those of the piece of n units the last `find` missed. */
  store(n: number, tokens: Int32Array, count: number): void {
    const data = this.data;
    const base = this.base;
    data[base] = n;
    const words = (n + 1) >>> 1;
    for (let k = 0; k < words; k++) data[base + 1 + k] = this.key[k];
    const at = base + 1 + KEY_WORDS;
    data[at] = count;
    for (let k = 0; k < count; k++) data[at + 1 + k] = tokens[k];
  }
}
