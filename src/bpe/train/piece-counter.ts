import { patternRegExp, type PatternName } from '../pretokenize/patterns.js';
import type { PieceCounts } from './piece-counts.js';

export interface CountOptions {
  /**
   * Pre-tokenize each line (with its ending) on its own, as `tokenizers` does when it trains from files;
   * otherwise the text is split as a whole, as the encoder splits it.
   */
  perLine?: boolean;
  /**
   * Pieces longer than this many UTF-8 bytes are cut (at character boundaries) before counting: a 10 MB line
   * of unspaced text would otherwise be one word the trainer rescans at every merge.
   */
  maxPieceBytes?: number;
}

/** Counts unique pieces of text under a split pattern. Feed it whole units: chunks cut where the pattern must cut. */
export class PieceCounter {
  readonly counts = new Map<string, number>();
  cutPieces = 0;
  private readonly re: RegExp;
  private readonly maxChars: number;

  constructor(
    pattern: PatternName,
    private readonly options: CountOptions = {},
  ) {
    this.re = patternRegExp(pattern);
    // A UTF-16 code unit is at most 3 UTF-8 bytes, so pieces this short never need measuring.
    this.maxChars = Math.floor((options.maxPieceBytes ?? Infinity) / 3);
  }

  /**
   * Counts the pieces of text[0 .. end); characters after `end` are context only. `end` must be a piece
   * boundary (see src/store/text-chunks.ts for where chunks are cut).
   */
  add(text: string, end = text.length): void {
    if (!this.options.perLine) return this.addUnit(text, end);
    for (let start = 0; start < end;) {
      const nl = text.indexOf('\n', start);
      const stop = nl < 0 || nl >= end ? end : nl + 1;
      const line = text.slice(start, stop);
      this.addUnit(line, line.length);
      start = stop;
    }
  }

  private addUnit(text: string, end: number): void {
    const re = this.re;
    re.lastIndex = 0;
    while (re.lastIndex < end) {
      const piece = re.exec(text)![0]; // every pattern matches at every position
      if (re.lastIndex > end) throw new Error(`internal error: a piece crosses a chunk boundary at ${end}`);
      if (piece.length > this.maxChars) this.addLong(piece);
      else this.count(piece);
    }
  }

  private count(piece: string): void {
    const n = this.counts.get(piece);
    this.counts.set(n === undefined ? detach(piece) : piece, (n ?? 0) + 1);
  }

  private addLong(piece: string): void {
    const limit = this.options.maxPieceBytes!;
    const parts = cutByUtf8Length(piece, limit);
    if (parts.length > 1) this.cutPieces++;
    for (const p of parts) this.count(p);
  }

  /** The counts as flat arrays, UTF-8 encoded (lone surrogates become U+FFFD, as in TextEncoder). */
  result(): PieceCounts {
    return encodeCounts(this.counts);
  }
}

/**
 * A copy of a matched piece that does not keep the text it came from alive: V8 represents substrings of 13 or
 * more characters as slices of their parent, so a Map key sliced from a 1 MB chunk would pin the whole chunk.
 * Concatenating and slicing again flattens into a string of the piece's own size.
 */
function detach(piece: string): string {
  return piece.length < 13 ? piece : (' ' + piece).slice(1);
}

export function encodeCounts(counts: Map<string, number>): PieceCounts {
  const encoder = new TextEncoder();
  let capacity = 0;
  for (const piece of counts.keys()) capacity += piece.length * 3;
  const bytes = new Uint8Array(capacity);
  const offsets = new Int32Array(counts.size + 1);
  const values = new Float64Array(counts.size);
  let i = 0;
  let at = 0;
  for (const [piece, n] of counts) {
    at += encoder.encodeInto(piece, bytes.subarray(at)).written;
    offsets[++i] = at;
    values[i - 1] = n;
  }
  return { bytes: bytes.slice(0, at), offsets, counts: values };
}

/** Cuts a string into parts of at most `limit` UTF-8 bytes, never inside a code point. */
export function cutByUtf8Length(text: string, limit: number): string[] {
  const parts: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > limit && i > start) {
      parts.push(text.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += size;
    i += units;
  }
  if (start < text.length) parts.push(text.slice(start));
  return parts;
}
