/**
 * Where byte-level BPE may cut a piece between two characters that each start as one symbol (an ASCII byte, or a
 * character char-premerge.ts starts as its token), at least one of several bytes: unless some token a merge makes
 * holds the two side by side.
 *
 * Why that is exact (as for char-joins.ts over characters): every symbol of the merge loop is a token, and a
 * merge makes the token whose bytes are its sides' bytes, so a symbol's bytes are those it covers in the piece. A
 * character that starts as one symbol is never split, so a symbol covering part of both covers both whole: its
 * token holds the two characters, and a merge made it. With no such token no merge joins the two sides, and each
 * merges as it would alone (the lowest-ranked pair of the word is the lowest of one side).
 *
 * The pairs are the adjacent characters (1–3 bytes) inside the tokens merges make, kept in a Bloom filter by their
 * code points: one 32-bit word per pair, two bits in it, so a test reads one word (a false "joinable" only loses
 * a cut). Qwen3 makes no token holding "习模" and the run "深度学习模型" cuts there; it does make "学习".
 */
import { byteLevelToBytes } from '../formats/byte-level.js';

/**
 * Words of the filter per pair kept (two bits of a word each): 1 MB for Qwen3 and DeepSeek-V3, where 0.2–0.35% of
 * random pairs of Han characters test joinable. A filter a quarter of that size made no measurable difference on
 * d2l-zh (in-process A/B: 0.96x on the slices, 1.03x on 1 MB).
 */
const WORDS_PER_PAIR = 2;

const hashOf = (a: number, b: number): number => Math.imul((a << 16) | b, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);

export class PremergedJoins {
  private readonly words: Int32Array;
  private readonly shift: number;

  /** From the byte-level token strings and the ids merges make (`made`, by rank). */
  constructor(tokens: ReadonlyArray<string | undefined>, made: Int32Array) {
    const pairs = pairsOf(tokens, made);
    let bits = 10;
    while (1 << bits < (pairs.length / 2) * WORDS_PER_PAIR) bits++;
    this.words = new Int32Array(1 << bits);
    this.shift = 32 - bits;
    for (let k = 0; k < pairs.length; k += 2) {
      const h = hashOf(pairs[k], pairs[k + 1]);
      this.words[h >>> this.shift] |= (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
    }
  }

  /** Whether a token a merge makes may hold the characters `a` then `b` (code points below 0x10000). */
  joinable(a: number, b: number): boolean {
    const h = hashOf(a, b);
    const mask = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
    return (this.words[h >>> this.shift] & mask) === mask;
  }
}

/**
 * The pairs of adjacent whole characters of 1–3 bytes, at least one of several bytes, in the tokens `made` lists,
 * as code points, flat. A token's bytes may start or end inside a character (that part is no whole character).
 */
function pairsOf(tokens: ReadonlyArray<string | undefined>, made: Int32Array): number[] {
  const seen = new Uint8Array(tokens.length);
  const pairs: number[] = [];
  for (const id of made) {
    if (seen[id] === 1) continue;
    seen[id] = 1;
    const bytes = byteLevelToBytes(tokens[id] ?? '');
    if (bytes === undefined) continue; // not byte-level text: no piece holds it
    const n = bytes.length;
    let prev = -1;
    for (let i = 0; i < n;) {
      const cp = charAt(bytes, i, n);
      const width = cp < 0 ? 1 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
      if (prev >= 0 && cp >= 0 && (prev >= 0x80 || cp >= 0x80)) pairs.push(prev, cp);
      prev = cp;
      i += width;
    }
  }
  return pairs;
}

/** The code point of the whole character of 1–3 bytes at bytes[i] (of n), else -1 (a continuation byte, a cut character, 4 bytes). */
function charAt(bytes: Uint8Array, i: number, n: number): number {
  const b = bytes[i];
  if (b < 0x80) return b;
  const cont = (k: number): boolean => k < n && (bytes[k] & 0xc0) === 0x80;
  if (b >= 0xc0 && b < 0xe0 && cont(i + 1)) return ((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
  if (b >= 0xe0 && b < 0xf0 && cont(i + 1) && cont(i + 2)) return ((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
  return -1;
}
