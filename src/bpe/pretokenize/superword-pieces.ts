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

/** The boundaries stage 2 keeps, as a JavaScript regex source (flags `gu`). */
export const SUPERWORD_PATTERN = String.raw`\p{N}{1,3}(?=(?:\p{N}{3})*(?!\p{N}))| ?[^\s\p{L}\p{N}]{2,}[\r\n/]*| +(?!\S)|:`;

/** Calls `onPiece(start, end)` for each stage-2 piece of `text` under the boundary regex `re` (flags `gu`). */
export function forEachSuperwordPiece(text: string, re: RegExp, onPiece: (start: number, end: number) => void): void {
  const len = text.length;
  let lineStart = 0;
  let m: RegExpExecArray | null = null;
  re.lastIndex = 0;
  while (lineStart < len) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? len : nl + 1;
    let at = lineStart;
    for (;;) {
      if (m === null || m.index < at) {
        re.lastIndex = at;
        m = re.exec(text);
      }
      if (m === null || m.index >= lineEnd) break;
      const end = Math.min(m.index + m[0].length, lineEnd); // a match's trailing newlines stop at the line's end
      if (m.index > at) onPiece(at, m.index);
      onPiece(m.index, end);
      at = end;
      m = null;
    }
    if (at < lineEnd) onPiece(at, lineEnd);
    lineStart = lineEnd;
  }
}

/** The stage-2 pieces of `text`, as strings (for tests and the pages). */
export function superwordPieces(text: string, pattern: string = SUPERWORD_PATTERN): string[] {
  const out: string[] = [];
  forEachSuperwordPiece(text, new RegExp(pattern, 'gu'), (s, e) => out.push(text.slice(s, e)));
  return out;
}
