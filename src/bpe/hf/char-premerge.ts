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
 * would alone, before any merge across its edges. Its token must not take part in a merge earlier than it would
 * exist either: every merge of the token with x or y must rank after the character's last step (with merges
 * [(a, 学), (8b, a), then 学's own], "型a学" merges 8b with a first; 学 present from the start would take the a).
 * Then the rest of the word merges alike. Characters that pass these tests and end as one token are premerged;
 * the others start as bytes.
 *
 * What x and y can be depends on the neighbours, which stay in one class while they merge: x always ends where the
 * character before ends, so its last character is that one (its lead byte tells the class) or x holds only
 * continuation bytes of it (any class of several bytes); y always starts with the byte after the character, the
 * next one's lead byte. So the test is made per class of each side, classes by that lead byte (ASCII: a space or
 * another byte; a lead byte of 3 bytes alone, those of 2 bytes by fours, those of 4 bytes together): a Han
 * character after another Han character (lead e4–e9) never meets the merges of a token ending in a CJK
 * punctuation mark (lead e3), and after a space it meets merges like (" ", e5) it never meets after a letter.
 * Each character keeps one bit per class for each side; it is premerged where both its sides' bits are set.
 *
 * Example: in DeepSeek-V3's vocab 学 (e5 ad a6) merges into one token through ranks below any merge that takes
 * e5 on its right or a6 on its left, so "学习" starts as two symbols, not six.
 */
import { byteLevelToBytes } from '../formats/byte-level.js';
import type { MergeTable } from './merge-table.js';

const NONE = 0x7fffffff;
/** Neighbour classes (bit indices): none (the stretch's edge), ASCII other than a space, a space, lead bytes. */
const EDGE = 0;
const ASCII = 1;
const SPACE = 2;
/** Lead bytes c0–df by fours: classes 3–10; e0–ef one each: 11–26; f0–f7: 27. */
const CLASSES = 28;
/** A side made only of continuation bytes meets a character of any class of several bytes. */
const MULTIBYTE_CLASSES = ((1 << CLASSES) - 1) & ~((1 << 3) - 1);
const ALL_CLASSES = ((1 << CLASSES) - 1) & ~(1 << EDGE);

/** The class of a neighbour by its lead byte (or its ASCII byte); -1 for a continuation byte. */
function classOf(b: number): number {
  if (b === 0x20) return SPACE;
  if (b < 0x80) return ASCII;
  if (b < 0xc0) return -1;
  if (b < 0xe0) return 3 + ((b - 0xc0) >> 2);
  return b < 0xf0 ? 11 + (b - 0xe0) : 27;
}

/**
 * By byte: the bit of its class when it starts a character (a lead or ASCII byte), 0 for a continuation byte.
 * The text's side of the test: the bit of the previous character's lead byte, of the next character's.
 */
export const CLASS_BIT = Int32Array.from({ length: 256 }, (_, b) => (classOf(b) < 0 ? 0 : 1 << classOf(b)));
/** The class bit of no neighbour. */
export const EDGE_BIT = 1 << EDGE;

/** The width of a UTF-8 character by its lead byte (1 for ASCII), 0 for a continuation byte. */
const widthOf = (b: number): number => (b < 0x80 ? 1 : b < 0xc0 ? 0 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4);

/** The classes of character a token can stand after, as a merge's left side: by how it ends. */
function leftSideClasses(bytes: Uint8Array | undefined): number {
  if (bytes === undefined || bytes.length === 0) return ALL_CLASSES;
  const last = bytes[bytes.length - 1];
  if (last < 0x80) return CLASS_BIT[last];
  for (let k = bytes.length - 1; k >= 0 && k >= bytes.length - 4; k--) {
    const w = widthOf(bytes[k]);
    if (w === 0) continue;
    return k + w === bytes.length ? CLASS_BIT[bytes[k]] : 0; // a token ending inside a character meets no character's start
  }
  return MULTIBYTE_CLASSES;
}

/** The classes of character a token can stand before, as a merge's right side: its first byte's. */
function rightSideClasses(bytes: Uint8Array | undefined): number {
  if (bytes === undefined || bytes.length === 0) return ALL_CLASSES;
  return CLASS_BIT[bytes[0]];
}

/** The premerged characters of a byte-level model, made on first use. */
export class CharPremerge {
  /** By BMP code point: the token its bytes merge into alone, -1 when they stay several (or a byte has no symbol). */
  readonly token = new Int32Array(0x10000).fill(-1);
  /** By code point: the classes of the character before (EDGE_BIT included) with which it is premerged. */
  readonly before = new Int32Array(0x10000);
  /** By code point: the classes of the character after with which it is premerged. */
  readonly after = new Int32Array(0x10000);

  /** `byteIds`: each byte's symbol (-1 where the vocab lacks it); `tokens`: the byte-level token strings by id. */
  constructor(
    private readonly merges: MergeTable,
    private readonly byteIds: Int32Array,
    tokens: ReadonlyArray<string | undefined>,
  ) {
    // 1. Each character's steps alone; the symbols that are ever first or last at a step get a row below.
    const rowOf = new Int32Array(tokens.length).fill(-1);
    let rows = 0;
    this.eachStep((_cp, _rank, first, last) => {
      if (rowOf[first] < 0) rowOf[first] = rows++;
      if (rowOf[last] < 0) rowOf[last] = rows++;
    });
    for (let cp = 0; cp < 0x10000; cp++) if (this.token[cp] >= 0) this.before[cp] = this.after[cp] = ALL_CLASSES | EDGE_BIT;
    // 2. For those rows, by class: the lowest rank of a merge taking the symbol on its right after a left side
    // of that class, and on its left before a right side of that class. Shadowed duplicates count too: lower
    // bounds only make the test stricter, as does a side that is not byte-level text (every class).
    const asRight = new Int32Array(rows * CLASSES).fill(NONE);
    const asLeft = new Int32Array(rows * CLASSES).fill(NONE);
    const bytesOf = (id: number): Uint8Array | undefined => byteLevelToBytes(tokens[id] ?? '');
    const lower = (table: Int32Array, row: number, classes: number, rank: number): void => {
      for (let c = 1; c < CLASSES; c++) {
        if ((classes & (1 << c)) !== 0 && rank < table[row * CLASSES + c]) table[row * CLASSES + c] = rank;
      }
    };
    for (let r = 0; r < merges.size; r++) {
      const [l, rt] = [merges.lefts[r], merges.rights[r]];
      if (rowOf[rt] >= 0) lower(asRight, rowOf[rt], leftSideClasses(bytesOf(l)), r);
      if (rowOf[l] >= 0) lower(asLeft, rowOf[l], rightSideClasses(bytesOf(rt)), r);
    }
    // 3. A character keeps a class of each side while no step's rank reaches that class's lowest merge.
    this.eachStep((cp, rank, first, last) => {
      for (let c = 1; c < CLASSES; c++) {
        if (asRight[rowOf[first] * CLASSES + c] <= rank) this.before[cp] &= ~(1 << c);
        if (asLeft[rowOf[last] * CLASSES + c] <= rank) this.after[cp] &= ~(1 << c);
      }
    });
  }

  /**
   * Merges each character of 2 or 3 bytes alone, sets its token when it ends as one, and calls `step` with the
   * rank of each merge and the first and last symbol before it; then, for a character that ends as one token,
   * with the highest of those ranks and that token on both sides (no merge of it may come before it exists).
   */
  private eachStep(step: (cp: number, rank: number, first: number, last: number) => void): void {
    const symbols = new Int32Array(3);
    const merges = this.merges;
    for (let cp = 0x80; cp < 0x10000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      let n = this.symbolsOf(cp, symbols);
      let highest = -1;
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
        if (best < 0) break; // stays several tokens: left to the merge loop
        step(cp, bestRank, symbols[0], symbols[n - 1]);
        highest = Math.max(highest, bestRank);
        symbols[best] = merges.made[bestRank];
        for (let i = best + 1; i + 1 < n; i++) symbols[i] = symbols[i + 1];
        n--;
      }
      if (n !== 1) continue;
      this.token[cp] = symbols[0];
      step(cp, highest, symbols[0], symbols[0]);
    }
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
}
