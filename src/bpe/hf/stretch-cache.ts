/**
 * The tokens of short runs of symbols, keyed by the symbols' ids: the cache of the stretches char-bpe.ts and
 * byte-bpe.ts cut pieces into. Direct-mapped (a new stretch overwrites the one in its slot), in one Int32Array
 * where each slot holds its key and its tokens side by side, so a lookup reads one or two cache lines and
 * allocates nothing:
 *
 *   slot: n · the n symbols · count · the count tokens   (n = 0: empty)
 *
 * byte-bpe.ts keeps one cache of 32-int slots. char-bpe.ts keeps two: slots of 16 ints (64 bytes) for stretches
 * of up to 7 symbols, most of them, and of 32 for longer ones, so that 3 MB hold 32k + 8k stretches where one
 * cache of 32-int slots held 16k in 2 MB.
 */

/** Ints per slot unless the constructor is told otherwise. */
const SLOT = 32;

export class StretchCache {
  readonly data: Int32Array;
  private readonly mask: number;
  /** The longest stretch (in symbols) a slot can hold (as one token). */
  readonly maxSymbols: number;

  /**
   * A cache of `slots` stretches (a power of two) of `slot` ints each: a stretch of n symbols and count tokens is
   * kept when 2 + n + count fit.
   */
  constructor(
    slots: number,
    private readonly slot = SLOT,
  ) {
    this.mask = slots - 1;
    this.data = new Int32Array(slots * slot);
    this.maxSymbols = slot - 3;
  }

  /**
   * Where `symbols[start, end)` (at most maxSymbols) is: if cached, the index in `data` of its count (its tokens
   * follow); else `~base` of the slot to store it in.
   */
  find(symbols: Int32Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ symbols[i], 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 13;
    const base = (h & this.mask) * this.slot;
    const data = this.data;
    const n = end - start;
    if (data[base] !== n) return ~base;
    for (let i = 0; i < n; i++) if (data[base + 1 + i] !== symbols[start + i]) return ~base;
    return base + 1 + n;
  }

  /**
   * Stores `symbols[start, end)` with its tokens `tokens[0, count)` in the slot at `base` (`~find(...)`), if they
   * fit (a long stretch merges into few tokens: Gemma 3's English words of 20 characters into one to three).
   */
  store(base: number, symbols: Int32Array, start: number, end: number, tokens: Int32Array, count: number): void {
    const data = this.data;
    const n = end - start;
    if (2 + n + count > this.slot) return;
    data[base] = n;
    for (let i = 0; i < n; i++) data[base + 1 + i] = symbols[start + i];
    data[base + 1 + n] = count;
    for (let k = 0; k < count; k++) data[base + 2 + n + k] = tokens[k];
  }
}
