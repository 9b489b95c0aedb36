/**
 * Which substrings may become pieces: SentencePiece's TrainerInterface::IsValidSentencePiece with its default
 * options (split_by_whitespace, split_by_unicode_script, split_by_number, no treat_whitespace_as_suffix).
 * A piece has at most `maxLength` characters, no unknown character (UNKNOWN_CHAR), a space only at its
 * start, and one Unicode script: Hiragana, Katakana and U+30FC count as Han, an Inherited character (a
 * combining mark) takes the script before it.
 *
 * ```ts
 * isValidPiece(codePoints(' the'), 16); // true
 * isValidPiece(codePoints('the '), 16); // false: a space after the start
 * isValidPiece(codePoints('a1'), 16);   // false: Latin then Common
 * isValidPiece(codePoints('日本の'), 16); // true: Han, Han, Hiragana (as Han)
 * ```
 */

/** What a rare character (one outside the character coverage) is replaced with while training. */
export const UNKNOWN_CHAR = 0xffff;
/** Ends each sentence in the seed search's array. */
export const SENTENCE_BOUNDARY = 0;
const SPACE = 0x20;

const SCRIPTS = [
  'Common',
  'Inherited',
  'Latin',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Syriac',
  'Thaana',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thai',
  'Lao',
  'Tibetan',
  'Myanmar',
  'Georgian',
  'Hangul',
  'Ethiopic',
  'Cherokee',
  'Khmer',
  'Mongolian',
  'Han',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Yi',
  'Canadian_Aboriginal',
  'Braille',
].map((name) => new RegExp(`^\\p{Script=${name}}$`, 'u'));
const INHERITED = 1;
const HAN = 30;
const OTHER = SCRIPTS.length;
const scriptCache = new Map<number, number>();

/** The script class of code point `c` (an index into SCRIPTS; Hiragana and Katakana as Han). */
export function scriptOf(c: number): number {
  let s = scriptCache.get(c);
  if (s !== undefined) return s;
  const ch = String.fromCodePoint(c);
  s = SCRIPTS.findIndex((re) => re.test(ch));
  if (s === -1) s = OTHER;
  if (s === HAN + 1 || s === HAN + 2 || c === 0x30fc) s = HAN;
  scriptCache.set(c, s);
  return s;
}

/** Whether cps[start, end) may be a piece (see the module comment). */
export function isValidPiece(cps: ArrayLike<number>, maxLength: number, start = 0, end = cps.length): boolean {
  if (end <= start || end - start > maxLength) return false;
  let prev = -1;
  for (let i = start; i < end; i++) {
    const c = cps[i];
    if (c === UNKNOWN_CHAR || c === SENTENCE_BOUNDARY) return false;
    if (c === SPACE) {
      if (i > start) return false;
      continue;
    }
    let s = scriptOf(c);
    if (s === INHERITED) s = prev;
    if (s !== -1 && prev !== -1 && s !== prev) return false;
    prev = s;
  }
  return true;
}

/** The code points of a string (a lone surrogate as itself). */
export function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}
