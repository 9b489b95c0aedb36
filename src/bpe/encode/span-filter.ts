/**
 * Where a piece may be cut before BPE. In tiktoken's merge, two adjacent parts merge only when their
 * concatenation is a token; so if no token of the vocabulary equals a stretch of the piece that crosses byte
 * position p, no merge ever crosses p, the parts on either side never interact, and merging the two sides
 * separately gives the same tokens (the leftmost-lowest choice on the whole is always the leftmost-lowest of
 * the side it falls on). Long Han runs, which the reference patterns keep whole, fall apart this way into
 * single characters and words, which merge in linear time instead of quadratic.
 *
 * `mayCross(buf, p, n)` answers "might a token span p?" and never says no wrongly: a token `buf[a, z)` with
 * a < p < z either starts at p - 1 (its first two bytes are buf[p-1, p+1)), ends at p + 1 (its last two
 * bytes are those), or contains the four bytes buf[p-2, p+2). The first two are looked up exactly, the four
 * bytes in a Bloom filter of every 4-byte stretch of every token (a false "maybe" only loses a cut). Stretches
 * shaped like the end of one 3-byte character and the start of the next (what a cut Han run asks about) have
 * their own small filter: few tokens hold such a stretch (5,685 distinct in o200k, 393 in cl100k), and a 32 KB
 * filter stays in cache where the 512 KB one does not.
 */
/** Token byte strings laid out in one arena: token `id` is `arena[offsets[id], offsets[id + 1])`. */
export interface TokenArena {
  arena: Uint8Array;
  offsets: Uint32Array;
  size: number;
}

/** log2 of the Bloom filter's size in bits: 4 Mbit (512 KB); on o200k it forgoes 2% of the possible cuts. */
const BLOOM_BITS = 22;

/** The four bytes `buf[a, a + 4)` as one integer. */
const window4 = (buf: Uint8Array, a: number): number => (buf[a] << 24) | (buf[a + 1] << 16) | (buf[a + 2] << 8) | buf[a + 3];

/** log2 of the size in bits of the filter of stretches that join two 3-byte characters: 256 Kbit (32 KB). */
const JOIN_BITS = 18;

const bloomHash = (window: number, bits: number): number => Math.imul(window, 0x9e3779b1) >>> (32 - bits);

/** Two continuation bytes, the lead byte of a 3-byte character, a continuation byte. */
const joinsThreeByteCharacters = (window: number): boolean => (window & 0xc0c0f0c0) === (0x8080e080 | 0);

/** Set the bit of `window` in the filter `bloom` of 2^bits bits. */
function addTo(bloom: Int32Array, bits: number, window: number): void {
  const h = bloomHash(window, bits);
  bloom[h >>> 5] |= 1 << (h & 31);
}

/** Whether the bit of `window` is set in `bloom` (2^bits bits). */
function isIn(bloom: Int32Array, bits: number, window: number): boolean {
  const h = bloomHash(window, bits);
  return (bloom[h >>> 5] & (1 << (h & 31))) !== 0;
}

export class SpanFilter {
  /** `edge[(a << 8) | b]` is 1 when some token starts or ends with the bytes a, b. */
  private readonly edge = new Uint8Array(65536);
  private readonly bloom = new Int32Array(1 << (BLOOM_BITS - 5));
  private readonly joins = new Int32Array(1 << (JOIN_BITS - 5));

  constructor(table: TokenArena) {
    const { arena, offsets, size } = table;
    const edge = this.edge;
    for (let id = 0; id < size; id++) {
      const s = offsets[id];
      const e = offsets[id + 1];
      if (e - s < 2) continue;
      edge[(arena[s] << 8) | arena[s + 1]] = 1;
      edge[(arena[e - 2] << 8) | arena[e - 1]] = 1;
      for (let a = s; a + 4 <= e; a++) this.add(window4(arena, a));
    }
  }

  private add(window: number): void {
    if (joinsThreeByteCharacters(window)) addTo(this.joins, JOIN_BITS, window);
    else addTo(this.bloom, BLOOM_BITS, window);
  }

  /** Might a token of the vocabulary span byte position p of `buf[0, n)` (0 < p < n)? */
  mayCross(buf: Uint8Array, p: number, n: number): boolean {
    if (this.edge[(buf[p - 1] << 8) | buf[p]] !== 0) return true;
    if (p < 2 || p + 2 > n) return false;
    const window = window4(buf, p - 2);
    if (joinsThreeByteCharacters(window)) return isIn(this.joins, JOIN_BITS, window);
    return isIn(this.bloom, BLOOM_BITS, window);
  }
}
