/**
 * HfPipeline's direct path: when the normalizer maps unit for unit (normalizers.ts, unitMapOf) and the
 * pre-tokenizer only cuts at one unit (pre-tokenizers.ts, cutLiterals), the normalized text has the original's
 * offsets and its pieces are spans of it. So each segment between added tokens is cut by offsets, reading its
 * units through the map, and each piece goes to the model as a span of the original text with the map: no
 * normalized string and no piece string is made (Gemma 3's lines were each normalized, cut and sliced before).
 *
 * Example: Gemma 3 maps " " to "▁" and splits by " ", which no unit maps to: a line is one piece, handed over as
 * its offsets in the input.
 */
import type { BpeModel } from './bpe-model.js';
import type { IdList } from './id-list.js';
import { unitMapOf, type UnitMap } from './normalizers.js';
import { cutLiterals, type Behavior } from './pre-tokenizers.js';

export class DirectPath {
  private constructor(
    /** The normalizer's map, then the pre-tokenizer's own rewrite. */
    private readonly map: UnitMap,
    /** The (mapped) unit cut at; -1 when no unit maps to it. */
    private readonly unit: number,
    private readonly behavior: Behavior,
  ) {}

  /** The direct path for a tokenizer.json's normalizer and pre_tokenizer, or null when it does not apply. */
  static of(normalizer: unknown, preTokenizer: unknown): DirectPath | null {
    const normalized = unitMapOf(normalizer);
    const cuts = cutLiterals(preTokenizer);
    if (normalized === null || cuts === null) return null;
    let map = normalized;
    if (cuts.rewrite !== null) {
      const [from, to] = cuts.rewrite;
      map = map.map((u) => (u === from ? to : u));
    }
    return new DirectPath(map, cuts.unit >= 0 && map.includes(cuts.unit) ? cuts.unit : -1, cuts.behavior);
  }

  /**
   * Encodes the segment text[start, end) with `model` into `out` (if given), piece by piece as the pre-tokenizer
   * cuts it (empty pieces dropped, as `tokenizers` does); returns the number of tokens.
   */
  encode(model: BpeModel, text: string, start: number, end: number, out: IdList | null): number {
    const { map, unit } = this;
    if (unit < 0) return start < end ? model.encodeMapped(text, start, end, map, out) : 0;
    const piece = (s: number, e: number): number => (s < e ? model.encodeMapped(text, s, e, map, out) : 0);
    let count = 0;
    let from = start;
    for (let i = start; i < end; i++) {
      if (map[text.charCodeAt(i)] !== unit) continue;
      // The match is text[i, j): one unit, or for Contiguous the run of them.
      let j = i + 1;
      if (this.behavior === 'Contiguous') while (j < end && map[text.charCodeAt(j)] === unit) j++;
      switch (this.behavior) {
        case 'Isolated':
        case 'Contiguous':
          count += piece(from, i) + piece(i, j);
          from = j;
          break;
        case 'Removed':
          count += piece(from, i);
          from = j;
          break;
        case 'MergedWithPrevious':
          count += piece(from, j);
          from = j;
          break;
        case 'MergedWithNext':
          count += piece(from, i);
          from = i;
          break;
      }
      i = j - 1;
    }
    return count + piece(from, end);
  }
}
