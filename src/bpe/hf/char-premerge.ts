/**
 * Byte-level BPE starts a character of two or three UTF-8 bytes as that many symbols, and most such characters
 * (a Han character in Qwen3's or DeepSeek-V3's vocab) merge into one token before anything else touches them.
 * Starting such a character as its token gives the same result with a third of the symbols to merge.
 *
 * When that is exact: merging by rank applies the lowest-ranked merge among adjacent pairs. Take the character's
 * bytes alone and merge them: at each step the merge taken has rank r, and the only pairs of the whole word that
 * could compete for the character's symbols are those across its edges, (x, first) and (last, y) for whatever x
 * and y its neighbours hold. If every merge whose right side is `first`, and every merge whose left side is
 * `last`, ranks after r, none can come first, whatever the neighbours are; merges elsewhere in the word touch
 * other symbols. So the character reaches its token as it would alone, before any merge across its edges, and
 * the rest of the word merges from there alike. Characters that pass this test, at every step, and end as one
 * token are the ones premerged; the others start as bytes.
 *
 * Example: in Qwen3's vocab 学 (e5 ad a6) merges into one token through ranks well below any merge that takes
 * e5 as a right side or a6 as a left side, so "学习" starts as two symbols, not six.
 */
import type { MergeTable } from './merge-table.js';

const NONE = 0x7fffffff;

/**
 * By BMP code point, the token a character of 2 or 3 UTF-8 bytes starts as (-1: its bytes). `byteIds`: each
 * byte's symbol (-1 where the vocab lacks it).
 */
export function premergedChars(merges: MergeTable, byteIds: Int32Array, nIds: number): Int32Array {
  // The lowest rank of a merge with each id on its left side and on its right side (shadowed duplicates
  // included: lower bounds only make the test stricter).
  const lowestAsLeft = new Int32Array(nIds).fill(NONE);
  const lowestAsRight = new Int32Array(nIds).fill(NONE);
  for (let r = 0; r < merges.size; r++) {
    const l = merges.lefts[r];
    const rt = merges.rights[r];
    if (r < lowestAsLeft[l]) lowestAsLeft[l] = r;
    if (r < lowestAsRight[rt]) lowestAsRight[rt] = r;
  }
  const out = new Int32Array(0x10000).fill(-1);
  const symbols = new Int32Array(3);
  for (let cp = 0x80; cp < 0x10000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const n = utf8Of(cp, symbols, byteIds);
    if (n > 0) out[cp] = mergedAlone(merges, symbols, n, lowestAsLeft, lowestAsRight);
  }
  return out;
}

/** The symbols of the UTF-8 of `cp` into `symbols`; returns their number, or 0 if a byte has no symbol. */
function utf8Of(cp: number, symbols: Int32Array, byteIds: Int32Array): number {
  const bytes = cp < 0x800 ? [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)] : [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  for (let i = 0; i < bytes.length; i++) {
    symbols[i] = byteIds[bytes[i]];
    if (symbols[i] < 0) return 0;
  }
  return bytes.length;
}

/** The one token `symbols[0, n)` merge into, if they do so before any merge across their edges can; else -1. */
function mergedAlone(merges: MergeTable, symbols: Int32Array, n: number, lowestAsLeft: Int32Array, lowestAsRight: Int32Array): number {
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
    if (lowestAsRight[symbols[0]] <= bestRank || lowestAsLeft[symbols[n - 1]] <= bestRank) return -1;
    symbols[best] = merges.made[bestRank];
    for (let i = best + 1; i + 1 < n; i++) symbols[i] = symbols[i + 1];
    n--;
  }
  return symbols[0];
}
