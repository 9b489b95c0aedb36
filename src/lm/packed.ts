/**
 * Compact integer arrays for the model file, all plain views of its buffer (read without copying):
 * - `narrowest`: Uint16Array when every value fits, else Uint32Array (word ids, child offsets: searched in the
 *   hot loop, where a plain typed-array read beats unpacking bits);
 * - `PackedInts`: each value takes `width` bits of a Uint32Array (least significant bits first);
 * - `CountArray`: counts, bit-packed narrow with an overflow table for the long tail.
 */

export type UintArray = Uint16Array | Uint32Array;

/** The values in a Uint16Array if they fit, else a Uint32Array. */
export function narrowest(values: ArrayLike<number>, max: number): UintArray {
  return max < 0x10000 ? Uint16Array.from(values) : Uint32Array.from(values);
}

/** Bits needed to hold `max` (at least 1). */
export function bitWidth(max: number): number {
  return max <= 1 ? 1 : 32 - Math.clz32(max);
}

/** Uint32 words that hold `length` values of `width` bits, plus one spare so a read never tests the end. */
export function packedWords(length: number, width: number): number {
  const bits = length * width;
  if (bits >= 2 ** 32) throw new RangeError(`a packed array of ${length} values of ${width} bits is too large`);
  return Math.ceil(bits / 32) + 1;
}

export class PackedInts {
  private readonly mask: number;

  constructor(
    readonly words: Uint32Array,
    readonly width: number,
    readonly length: number,
  ) {
    if (width < 1 || width > 32) throw new RangeError(`packed width ${width} is outside 1..32`);
    if (words.length < packedWords(length, width)) throw new RangeError('packed array shorter than its length');
    this.mask = width === 32 ? 0xffffffff : 2 ** width - 1;
  }

  get(i: number): number {
    const bit = i * this.width;
    const k = bit >>> 5;
    const off = bit & 31;
    let v = this.words[k] >>> off;
    // a value that runs over into the next word
    if (off + this.width > 32) v |= this.words[k + 1] << (32 - off);
    return (v & this.mask) >>> 0;
  }

  static pack(values: ArrayLike<number>, width: number): PackedInts {
    const words = new Uint32Array(packedWords(values.length, width));
    for (let i = 0; i < values.length; i++) {
      const bit = i * width;
      const k = bit >>> 5;
      const off = bit & 31;
      const v = values[i];
      words[k] |= v << off;
      if (off + width > 32) words[k + 1] |= v >>> (32 - off);
    }
    return new PackedInts(words, width, values.length);
  }
}

/**
 * Counts: mostly 1, 2 or 3, with a long tail. Each takes `width` bits; a count that does not fit stores the
 * all-ones escape and sits in a small sorted overflow table (positions, values). The width minimises the total.
 */
export class CountArray {
  private readonly escape: number;

  constructor(
    readonly packed: PackedInts,
    readonly overflowAt: Uint32Array,
    readonly overflowValue: Uint32Array,
  ) {
    this.escape = packed.width === 32 ? 0xffffffff : 2 ** packed.width - 1;
  }

  get length(): number {
    return this.packed.length;
  }

  get(i: number): number {
    const v = this.packed.get(i);
    return v === this.escape ? this.overflow(i) : v;
  }

  private overflow(i: number): number {
    const at = this.overflowAt;
    let lo = 0;
    let hi = at.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (at[mid] === i) return this.overflowValue[mid];
      if (at[mid] < i) lo = mid + 1;
      else hi = mid - 1;
    }
    throw new Error(`count ${i}: escape without an overflow entry`);
  }

  static pack(counts: ArrayLike<number>): CountArray {
    const width = cheapestWidth(counts);
    const escape = width === 32 ? 0xffffffff : 2 ** width - 1;
    const at: number[] = [];
    const value: number[] = [];
    const clipped = new Uint32Array(counts.length);
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] >= escape) {
        at.push(i);
        value.push(counts[i]);
        clipped[i] = escape;
      } else clipped[i] = counts[i];
    }
    return new CountArray(PackedInts.pack(clipped, width), Uint32Array.from(at), Uint32Array.from(value));
  }
}

/** The width w that minimises n w + 64 (values >= 2^w - 1): the packed bits plus the overflow table. */
function cheapestWidth(counts: ArrayLike<number>): number {
  // byLength[b] = how many counts c have bitWidth(c + 1) = b, i.e. c >= 2^w - 1 exactly when b > w.
  const byLength = new Float64Array(34);
  for (let i = 0; i < counts.length; i++) byLength[32 - Math.clz32(counts[i] + 1)]++;
  let best = 32;
  let bestBits = Infinity;
  let above = counts.length;
  for (let w = 1; w <= 32; w++) {
    above -= byLength[w];
    const bits = counts.length * w + 64 * above;
    if (bits < bestBits) {
      bestBits = bits;
      best = w;
    }
  }
  return best;
}
