import { HAN, scriptOf, WHITESPACE } from './scripts.js';

/** Size and Han share of a text, as the corpora page and `tokenlab corpus` show them. */
export interface TextStats {
  bytes: number;
  characters: number;
  lines: number;
  han: number;
  /** Han characters over non-whitespace characters (by scriptOf: Script=Han, Unicode White_Space). */
  hanShare: number;
}

export function textStats(text: string): TextStats {
  let characters = 0;
  let han = 0;
  let nonSpace = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    characters++;
    const script = scriptOf(cp);
    if (script === WHITESPACE) continue;
    nonSpace++;
    if (script === HAN) han++;
  }
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  if (text.length > 0 && !text.endsWith('\n')) lines++;
  return { bytes: Buffer.byteLength(text), characters, lines, han, hanShare: nonSpace === 0 ? 0 : han / nonSpace };
}
