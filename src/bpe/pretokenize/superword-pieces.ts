/**
 * SuperBPE's stage-2 pre-tokenization: the boundaries that stay when whitespace stops being one.
 *
 * The reference (PythonNut/superbpe, scripts/extend_tokenizer.sh) splits with `tokenizers`' Split(regex,
 * "isolated") on `\p{N}{1,3}| ?[^\s\p{L}\p{N}]{2,}[\r\n/]*| +(?!\S)`, training line by line: the matches (digit
 * groups, runs of two or more punctuation marks, spaces before a space or a line end) are pieces of their own,
 * and so is the text between them, which may hold spaces and single punctuation marks. The paper adds: digits
 * grouped by three from the right, and a colon kept out of superwords (a prompt ending in ":" must not leave a
 * token half-formed). So a piece ends:
 * - after each newline (the reference trains each line on its own, so no learned token crosses a line end);
 * - around each match of SUPERWORD_PATTERN (groups of up to 3 digits from the right, runs of 2+ punctuation
 *   with the newlines or slashes after them, spaces not followed by a non-space, a colon).
 *
 * `superwordPieces("By the way, 12345 apples:\nyes")` is
 * `["By the way, ", "12", "345", " apples", ":", "\n", "yes"]`.
 */

import { unicodeTable } from './unicode-tables.js';
import { classAt, width } from './scanner.js';

/** The boundaries stage 2 keeps, as a regex source (flags `gu`; White_Space for `\\s`, as in Rust's regex). */
export const SUPERWORD_PATTERN = String.raw`\p{N}{1,3}(?=(?:\p{N}{3})*(?!\p{N}))| ?[^\s\p{L}\p{N}]{2,}[\r\n/]*| +(?!\S)|:`;

/**
 * Finds the next boundary match at or after `from`: sets `match.start` and `match.end`, or returns false when
 * there is none before `limit`.
 */
export type BoundaryFinder = (text: string, from: number, limit: number, match: { start: number; end: number }) => boolean;

/** The finder for a boundary pattern: a scanner for SUPERWORD_PATTERN, else the regex. */
export function boundaryFinder(pattern: string = SUPERWORD_PATTERN): BoundaryFinder {
  if (pattern === SUPERWORD_PATTERN) return scanBoundary;
  const re = new RegExp(pattern, 'gu');
  return (text, from, limit, match) => {
    re.lastIndex = from;
    const m = re.exec(text);
    if (m === null || m.index >= limit) return false;
    if (m[0].length === 0) throw new Error(`the stage-2 pattern ${JSON.stringify(pattern)} matches empty text`);
    match.start = m.index;
    match.end = m.index + m[0].length;
    return true;
  };
}

/** Calls `onPiece(start, end)` for each stage-2 piece of `text` under the boundaries `find` finds. */
export function forEachSuperwordPiece(text: string, find: BoundaryFinder, onPiece: (start: number, end: number) => void): void {
  const len = text.length;
  const match = { start: 0, end: 0 };
  for (let lineStart = 0; lineStart < len;) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? len : nl + 1;
    let at = lineStart;
    while (at < lineEnd && find(text, at, lineEnd, match)) {
      const end = Math.min(match.end, lineEnd); // a match's trailing newlines stop at the line's end
      if (match.start > at) onPiece(at, match.start);
      onPiece(match.start, end);
      at = end;
    }
    if (at < lineEnd) onPiece(at, lineEnd);
    lineStart = lineEnd;
  }
}

/** The stage-2 pieces of `text`, as strings (for tests and the pages). */
export function superwordPieces(text: string, pattern: string = SUPERWORD_PATTERN): string[] {
  const out: string[] = [];
  forEachSuperwordPiece(text, boundaryFinder(pattern), (s, e) => out.push(text.slice(s, e)));
  return out;
}

const LETTER = 1;
const NUMBER = 2;
const SPACE = 4;
let classes: Uint8Array | undefined;

/** \p{L}, \p{N} and White_Space bits for every code point (the frozen Unicode tables the scanners use). */
function classTable(): Uint8Array {
  if (classes !== undefined) return classes;
  const t = new Uint8Array(0x110000);
  for (const [name, bit] of [
    ['L', LETTER],
    ['N', NUMBER],
    ['White_Space', SPACE],
  ] as const) {
    for (const [a, b] of unicodeTable(name)) t.fill(bit, a, b + 1);
  }
  return (classes = t);
}

const isPunct = (cls: number): boolean => (cls & (LETTER | NUMBER | SPACE)) === 0;

/** The end of the run of punctuation (neither letter, number nor space) starting at i, and its length in code points. */
function punctRun(t: Uint8Array, text: string, i: number, run: { end: number; count: number }): void {
  let n = 0;
  while (i < text.length) {
    const cls = classAt(t, text, i);
    if (!isPunct(cls)) break;
    i += width(cls);
    n++;
  }
  run.end = i;
  run.count = n;
}

const run = { end: 0, count: 0 };

const isAsciiLetter = (c: number): boolean => ((c | 0x20) - 0x61) >>> 0 < 26;

/** SUPERWORD_PATTERN's alternatives in order at each position, as the regex would try them. */
function scanBoundary(text: string, from: number, limit: number, match: { start: number; end: number }): boolean {
  const t = classTable();
  const len = text.length;
  for (let i = from; i < limit;) {
    const c = text.charCodeAt(i);
    // Most of the text needs no table lookup: an ASCII letter starts no alternative, nor does a space before one.
    if (isAsciiLetter(c)) {
      i++;
      continue;
    }
    if (c === 0x20 && i + 1 < len && isAsciiLetter(text.charCodeAt(i + 1))) {
      i += 2;
      continue;
    }
    const cls = classAt(t, text, i);
    if ((cls & LETTER) !== 0 || ((cls & SPACE) !== 0 && c !== 0x20)) {
      i += width(cls); // no alternative starts at a letter, or at whitespace other than a space
      continue;
    }
    if ((cls & NUMBER) !== 0) {
      // \p{N}{1,3}(?=(?:\p{N}{3})*(?!\p{N})): the leading group of a run grouped by threes from the right.
      let n = 0;
      let j = i;
      const ends: number[] = [];
      while (j < len) {
        const c = classAt(t, text, j);
        if ((c & NUMBER) === 0) break;
        j += width(c);
        ends.push(j);
        n++;
      }
      const first = n % 3 === 0 ? 3 : n % 3;
      return found(match, i, ends[first - 1]);
    }
    // ' ?[^\s\p{L}\p{N}]{2,}[\r\n/]*'
    const p = c === 0x20 ? i + 1 : i;
    if (p < len) {
      punctRun(t, text, p, run);
      if (run.count >= 2) {
        let e = run.end;
        while (e < len && (text.charCodeAt(e) === 0x0d || text.charCodeAt(e) === 0x0a || text.charCodeAt(e) === 0x2f)) e++;
        return found(match, i, e);
      }
    }
    if (c === 0x20) {
      // ' +(?!\S)'
      let e = i;
      while (e < len && text.charCodeAt(e) === 0x20) e++;
      if (e === len || (classAt(t, text, e) & SPACE) !== 0) return found(match, i, e);
      if (e - i >= 2) return found(match, i, e - 1);
    }
    if (c === 0x3a) return found(match, i, i + 1); // ':'
    i += width(cls);
  }
  return false;
}

function found(match: { start: number; end: number }, start: number, end: number): boolean {
  match.start = start;
  match.end = end;
  return true;
}
