/**
 * Byte-level BPE starts a character of two or three UTF-8 bytes as that many symbols, and most such characters
 * (a Han character in Qwen3's or DeepSeek-V3's vocab) merge into one token before anything else touches them.
 * Starting such a character as its token gives the same result with a third of the symbols to merge.
 *
 * When that is exact: merging by rank applies the lowest-ranked merge among adjacent pairs. Take the character's
 * bytes alone and merge them: at each step the merge taken has rank r, and the only pairs of the whole word that
 * could compete for the character's symbols are those across its edges, (x, first) and (last, y), x and y being
 * what its neighbours hold. If every merge that could pair x with `first`, and `last` with y, ranks after r, none
 * can come first; merges elsewhere in the word touch other symbols. So the character reaches its token as it
 * would alone, before any merge across its edges, and the rest of the word merges from there alike. Characters
 * that pass this test at every step and end as one token are premerged; the others start as bytes.
 *
 * What x and y can be depends on the neighbours, which stay in one class while they merge: x always ends with
 * the byte before the character, y always starts with the byte after it. So the test is made once per pair of
 * classes (no neighbour, an ASCII byte, a byte of a longer character): after a space a Han character meets
 * merges like (" ", e5) that it never meets after another Han character.
 *
 * Example: in DeepSeek-V3's vocab 学 (e5 ad a6) merges into one token through ranks below any merge that takes
 * e5 on its right or a6 on its left, so "学习" starts as two symbols, not six.
 */
import { BYTE_TO_CHAR } from '../formats/byte-level.js';
import type { MergeTable } from './merge-table.js';

const NONE = 0x7fffffff;
/** Neighbour classes: none (the stretch's edge), an ASCII byte, a byte of a character of 2 to 4 bytes. */
export const EDGE = 0;
export const ASCII = 1;
export const MULTIBYTE = 2;

/** The premerged characters of a byte-level model, one table per pair of neighbour classes, made on first use. */
export class CharPremerge {
  private readonly tables: Array<Int32Array | undefined> = [];
  /** [class] → by id: the lowest rank of a merge with that id on its right and a left side of that class. */
  private readonly lowestAsRight: Int32Array[];
  /** [class] → by id: the lowest rank of a merge with that id on its left and a right side of that class. */
  private readonly lowestAsLeft: Int32Array[];

  /** `byteIds`: each byte's symbol (-1 where the vocab lacks it); `tokens`: the byte-level token strings by id. */
  constructor(
    private readonly merges: MergeTable,
    private readonly byteIds: Int32Array,
    tokens: ReadonlyArray<string | undefined>,
  ) {
    const charByte = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));
    const n = tokens.length;
    this.lowestAsRight = [0, 1, 2].map((c) => new Int32Array(c === EDGE ? 0 : n).fill(NONE));
    this.lowestAsLeft = [0, 1, 2].map((c) => new Int32Array(c === EDGE ? 0 : n).fill(NONE));
    // The class of neighbour a merge's side can be: a left side is the symbol before a character, so it ends
    // where a character ends (an ASCII byte, or a continuation byte: MULTIBYTE); a right side starts where one
    // starts (an ASCII byte, or a lead byte: MULTIBYTE). A side that cannot (a left side ending with a lead byte, a
    // right side starting with a continuation byte) never meets a character's edge: -1.
    const byteOf = (id: number, end: boolean): number => {
      const t = tokens[id] ?? '';
      return charByte.get(end ? t[t.length - 1] : t[0]) ?? -1;
    };
    const leftClass = (b: number): number => (b < 0 ? MULTIBYTE : b < 0x80 ? ASCII : b < 0xc0 ? MULTIBYTE : -1);
    const rightClass = (b: number): number => (b < 0 ? MULTIBYTE : b < 0x80 ? ASCII : b >= 0xc0 ? MULTIBYTE : -1);
    // Shadowed duplicates count too: lower bounds only make the test stricter. A side that is not byte-level text
    // (b < 0) counts as MULTIBYTE, stricter again.
    for (let r = 0; r < merges.size; r++) {
      const l = merges.lefts[r];
      const rt = merges.rights[r];
      const asRight = leftClass(byteOf(l, true));
      const asLeft = rightClass(byteOf(rt, false));
      if (asRight >= 0 && r < this.lowestAsRight[asRight][rt]) this.lowestAsRight[asRight][rt] = r;
      if (asLeft >= 0 && r < this.lowestAsLeft[asLeft][l]) this.lowestAsLeft[asLeft][l] = r;
    }
  }

  /** By BMP code point, the token a character of 2 or 3 bytes starts as between neighbours of these classes (-1: its bytes). */
  table(before: number, after: number): Int32Array {
    const k = before * 3 + after;
    return (this.tables[k] ??= this.make(before, after));
  }

  private make(before: number, after: number): Int32Array {
    const out = new Int32Array(0x10000).fill(-1);
    const symbols = new Int32Array(3);
    for (let cp = 0x80; cp < 0x10000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const n = this.symbolsOf(cp, symbols);
      if (n > 0) out[cp] = this.mergedAlone(symbols, n, before, after);
    }
    return out;
  }

  /** The symbols of the UTF-8 of `cp` into `symbols`; returns their number, or 0 if a byte has no symbol. */
  private symbolsOf(cp: number, symbols: Int32Array): number {
    const bytes = cp < 0x800 ? [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)] : [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
    for (let i = 0; i < bytes.length; i++) {
      symbols[i] = this.byteIds[bytes[i]];
      if (symbols[i] < 0) return 0;
    }
    return bytes.length;
  }

  /** The one token `symbols[0, n)` merge into before any merge across their edges can come, else -1. */
  private mergedAlone(symbols: Int32Array, n: number, before: number, after: number): number {
    const merges = this.merges;
    while (n > 1) {
      let best = -1;
      let bestRank = NONE;
      for (let i = 0; i + 1 < n; i++) {
        const r = merges.rank(symbols[i], symbols[i + 1]);
        if (r >= 0 && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) return -1; // stays several tokens: left to the merge loop
      if (before !== EDGE && this.lowestAsRight[before][symbols[0]] <= bestRank) return -1;
      if (after !== EDGE && this.lowestAsLeft[after][symbols[n - 1]] <= bestRank) return -1;
      symbols[best] = merges.made[bestRank];
      for (let i = best + 1; i + 1 < n; i++) symbols[i] = symbols[i + 1];
      n--;
    }
    return symbols[0];
  }
}
