/**
 * Where BPE over characters may cut a piece: between two characters a, b that are tokens themselves, unless
 * some merge (x, y) has x ending with a and y starting with b (the merge's junction is a, b).
 *
 * Why that is exact: every symbol of the merge loop is an initial symbol or made by a merge of two symbols, and
 * a merge (x, y) makes the token whose string is x's then y's. Take a and b side by side in a piece, each its own
 * initial symbol (being a token). If some symbol ever covers both, the first to do so was made by a merge (x, y)
 * with x covering a but not b and y covering b: x's string ends with a, y's starts with b, so a, b is that merge's
 * junction. With no such merge, no merge ever joins the two sides: each side's adjacent pairs are its own, the
 * lowest-ranked pair of the whole word (leftmost on ties; equal ranks are the same pair) is the lowest of one
 * side, and each side goes through the merges it would go through alone, in the same order. So the stretches
 * between cuts merge alike apart.
 *
 * Example: Gemma 3 has no merge (x, y) with x ending in "d" and y starting with "▁" ("▁" stands for a space), so
 * "word▁and" cuts before its "▁": "word" and "▁and" merge apart. It does merge ("▁", "▁"), so a run of spaces
 * stays whole.
 */
import { pairHash } from './merge-table.js';

/**
 * Characters whose pairs are also kept in a small matrix: Latin-1 and SentencePiece's ▁ (the space of Gemma 3's
 * text), so most pairs of text in Latin script take one lookup in 66 kB instead of a probe of the pair table.
 * -1 for the others.
 */
export const hotIndex = (cp: number): number => (cp < 0x100 ? cp : cp === 0x2581 ? 0x100 : -1);
const HOT = 0x101;
/** Slots of the constructor's filter of pairs just added. */
const RECENT = 4096;

export class CharJoins {
  /** Slot s → its pair's ids at 2s and 2s + 1 (-1: empty), side by side so a probe reads one cache line; at most half full. */
  private slots = new Int32Array(2048).fill(-1);
  private mask = 1023;
  private size = 0;
  /** [hotIndex(a) * HOT + hotIndex(b)]: 1 when a then b are a pair. */
  private readonly hotPairs = new Uint8Array(HOT * HOT);

  /**
   * The junctions of the merges `lefts[r]`, `rights[r]` (token ids), as the ids of their characters' one-character
   * tokens (`charId`: -1 for a character without one, whose pairs never decide a cut).
   */
  constructor(tokens: ReadonlyArray<string | undefined>, lefts: Int32Array, rights: Int32Array, charId: (cp: number) => number) {
    // 1. Each token's first and last character, once per token (reading them per merge took twice as long).
    const first = new Int32Array(tokens.length).fill(-1);
    const last = new Int32Array(tokens.length).fill(-1);
    for (let id = 0; id < tokens.length; id++) {
      const t = tokens[id];
      if (t === undefined || t === '') continue;
      first[id] = charId(t.codePointAt(0)!);
      const end = t.length > 1 ? t.codePointAt(t.length - 2)! : 0; // a surrogate pair ending t: its character
      last[id] = charId(end > 0xffff ? end : t.charCodeAt(t.length - 1));
    }
    // 2. The hot characters by id, for the matrix.
    const hot = new Int16Array(tokens.length).fill(-1);
    for (let h = 0; h < HOT; h++) {
      const id = charId(h === 0x100 ? 0x2581 : h);
      if (id >= 0) hot[id] = h;
    }
    // 3. The junctions. Most repeat (33,695 pairs in Gemma 3's 515k merges): a pair just seen in the same small
    //    slot of `recent` is skipped without probing the table.
    const recent = new Int32Array(2 * RECENT).fill(-1);
    for (let r = 0; r < lefts.length; r++) {
      const left = last[lefts[r]];
      const right = first[rights[r]];
      if (left < 0 || right < 0) continue;
      const slot = 2 * (pairHash(left, right) & (RECENT - 1));
      if (recent[slot] === left && recent[slot + 1] === right) continue;
      recent[slot] = left;
      recent[slot + 1] = right;
      this.add(left, right);
      if (hot[left] >= 0 && hot[right] >= 0) this.hotPairs[hot[left] * HOT + hot[right]] = 1;
    }
  }

  /**
   * has(left, right), where leftHot and rightHot are the characters' hotIndex: through the matrix when both are
   * hot.
   */
  joined(left: number, leftHot: number, right: number, rightHot: number): boolean {
    if (leftHot >= 0 && rightHot >= 0) return this.hotPairs[leftHot * HOT + rightHot] === 1;
    return this.has(left, right);
  }

  private add(left: number, right: number): void {
    const slots = this.slots;
    for (let s = pairHash(left, right) & this.mask; ; s = (s + 1) & this.mask) {
      if (slots[2 * s] < 0) {
        slots[2 * s] = left;
        slots[2 * s + 1] = right;
        if (++this.size * 2 > this.mask) this.grow();
        return;
      }
      if (slots[2 * s] === left && slots[2 * s + 1] === right) return;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = old.length - 1;
    this.size = 0;
    for (let s = 0; s < old.length; s += 2) if (old[s] >= 0) this.add(old[s], old[s + 1]);
  }

  /** Whether a made token holds the characters of tokens `left` then `right` side by side. */
  has(left: number, right: number): boolean {
    const slots = this.slots;
    for (let s = pairHash(left, right) & this.mask; ; s = (s + 1) & this.mask) {
      const l = slots[2 * s];
      if (l < 0) return false;
      if (l === left && slots[2 * s + 1] === right) return true;
    }
  }
}
