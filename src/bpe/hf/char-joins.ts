/**
 * Where BPE over characters may cut a piece: between two characters a, b that are tokens themselves, unless
 * some token a merge makes holds "ab".
 *
 * Why that is exact: every symbol of the merge loop is a token, and a merge (x, y) makes the token whose string
 * is x's then y's, so a symbol's string is the characters it covers, in order. A symbol covering both a and b
 * (each its own initial symbol, being a token) holds "ab", and it was made by a merge. With no such token, no
 * merge ever joins the two sides: each side's adjacent pairs are its own, the lowest-ranked pair of the whole
 * word (leftmost on ties; equal ranks are the same pair) is the lowest of one side, and each side goes through
 * the merges it would go through alone, in the same order. So the stretches between cuts merge alike apart.
 *
 * Example: Gemma 3 makes no token holding "d▁" ("▁" stands for a space), so "word▁and" cuts before its "▁":
 * "word" and "▁and" merge apart. It does make "▁▁", so a run of spaces stays whole.
 */
import { pairHash } from './merge-table.js';

/**
 * Characters whose pairs are also kept in a small matrix: Latin-1 and SentencePiece's ▁ (the space of Gemma 3's
 * text), so most pairs of text in Latin script take one lookup in 66 kB instead of a probe of the pair table.
 * -1 for the others.
 */
export const hotIndex = (cp: number): number => (cp < 0x100 ? cp : cp === 0x2581 ? 0x100 : -1);
const HOT = 0x101;

export class CharJoins {
  /** Slot s → its pair's ids at 2s and 2s + 1 (-1: empty), side by side so a probe reads one cache line; at most half full. */
  private slots = new Int32Array(2048).fill(-1);
  private mask = 1023;
  private size = 0;
  /** [hotIndex(a) * HOT + hotIndex(b)]: 1 when a then b are a pair. */
  private readonly hotPairs = new Uint8Array(HOT * HOT);

  /**
   * The pairs of adjacent characters in the tokens `made` lists (the tokens merges make), as the ids of their
   * one-character tokens (`charId`: -1 for a character without one, whose pairs never decide a cut).
   */
  constructor(tokens: ReadonlyArray<string | undefined>, made: Int32Array, charId: (cp: number) => number) {
    const seen = new Uint8Array(tokens.length);
    for (const id of made) {
      if (seen[id] === 0) this.addPairsOf(tokens[id] ?? '', charId);
      seen[id] = 1;
    }
    const hotCp = (h: number): number => (h === 0x100 ? 0x2581 : h);
    for (let a = 0; a < HOT; a++) {
      for (let b = 0; b < HOT; b++) {
        const [left, right] = [charId(hotCp(a)), charId(hotCp(b))];
        if (left >= 0 && right >= 0 && this.has(left, right)) this.hotPairs[a * HOT + b] = 1;
      }
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

  private addPairsOf(token: string, charId: (cp: number) => number): void {
    let prev = -1;
    for (let i = 0; i < token.length;) {
      const cp = token.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      const id = charId(cp);
      if (prev >= 0 && id >= 0) this.add(prev, id);
      prev = id;
    }
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
