/**
 * The infini-gram index (Liu et al. 2024, "Infini-gram: Scaling Unbounded n-gram Language Models to a Trillion
 * Tokens"): a corpus's token ids and their suffix array, every array bit-packed (see docs/infgram.md, "File
 * layout").
 *
 * - `vocabulary`: the distinct token ids of the corpus, ascending. The text stores each token as its rank there (its
 *   dense id), so the dense order is the id order and the widths follow the corpus, not the tokenizer.
 * - `text`: the dense ids of every non-empty line, each line followed by the separator `vocabulary.length`, the
 *   largest symbol: a suffix stops matching at its line's end, and the suffixes that start with a separator sort
 *   last (they are left out of `suffixes`).
 * - `suffixes`: the text positions of the tokens (not of the separators), in the order of their suffixes.
 * - `lineStarts`: the text position of each line's first token (an empty line gets the next line's start).
 */
import type { PackedInts } from '../packed.js';

/** Where the index comes from. */
export interface InfiniGramInfo {
  /** The tokenizer whose ids the corpus holds. */
  tokenizer: string;
  /** What was indexed (a corpus name or file), for people. */
  source?: string;
  /** The files whose lines were indexed, in order (absolute paths), when the index was built from text files. */
  files?: string[];
}

/** Occurrence of a token sequence: the line (0-based, counting empty lines) and the token offset in it. */
export interface Occurrence {
  line: number;
  token: number;
}

export class InfiniGramIndex {
  /** The separator's symbol: larger than every dense id. */
  readonly separator: number;

  constructor(
    readonly info: InfiniGramInfo,
    readonly vocabulary: Uint32Array,
    readonly text: PackedInts,
    readonly suffixes: PackedInts,
    readonly lineStarts: PackedInts,
  ) {
    this.separator = vocabulary.length;
  }

  /** Tokens in the corpus (separators not counted). */
  get tokenCount(): number {
    return this.suffixes.length;
  }

  /** Lines in the corpus, empty ones included. */
  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The dense id of a token id, or -1 when the corpus never has it. */
  denseId(id: number): number {
    const v = this.vocabulary;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo < v.length && v[lo] === id ? lo : -1;
  }

  /**
   * The token ids of line `line` (0-based, empty lines counted), read from the index's text.
   *
   *   corpus lines [[5, 7], [], [7]]: lineIds(0) -> [5, 7], lineIds(1) -> [], lineIds(2) -> [7]
   */
  lineIds(line: number): Uint32Array {
    if (!Number.isInteger(line) || line < 0 || line >= this.lineCount)
      throw new RangeError(`no line ${line}: the corpus has ${this.lineCount}`);
    const start = this.lineStarts.get(line);
    // an empty line shares its start with the next line (or starts at the text's end)
    const empty = start === this.text.length || (line + 1 < this.lineCount && this.lineStarts.get(line + 1) === start);
    const ids: number[] = [];
    for (let p = start; !empty && this.text.get(p) !== this.separator; p++) ids.push(this.vocabulary[this.text.get(p)]);
    return Uint32Array.from(ids);
  }

  /** The line and token offset of a text position. */
  occurrenceAt(position: number): Occurrence {
    const starts = this.lineStarts;
    // the last line starting at or before `position` (an empty line shares its start with the next: the later wins)
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts.get(mid) <= position) lo = mid + 1;
      else hi = mid;
    }
    return { line: lo - 1, token: position - starts.get(lo - 1) };
  }
}
