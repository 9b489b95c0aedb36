/**
 * Which substrings may become pieces: SentencePiece's TrainerInterface::IsValidSentencePiece with its default
 * options (split_by_whitespace, split_by_unicode_script, split_by_number, no treat_whitespace_as_suffix).
 * A piece has at most `maxLength` characters, no unknown character (UNKNOWN_CHAR) or NUL, a space only at its
 * start, and one Unicode script: Hiragana, Katakana and U+30FC count as Han, an Inherited character (a
 * combining mark) takes the script before it (none at the start).
 *
 * ```ts
 * ' the' // valid
 * 'the ' // not: a space after the start
 * 'a1'   // not: Latin then Common
 * '日本の' // valid: Han, Han, Hiragana (as Han)
 * ```
 *
 * The rules hold for every prefix of a valid piece, so the valid substrings at a position are those up to one
 * length (`validLengths`).
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

/** The script class of code point `c` (an index into SCRIPTS; Hiragana and Katakana as Han). */
export function scriptOf(c: number): number {
  const ch = String.fromCodePoint(c);
  const s = SCRIPTS.findIndex((re) => re.test(ch));
  if (s === HAN + 1 || s === HAN + 2 || c === 0x30fc) return HAN;
  return s === -1 ? OTHER : s;
}

/** A symbol's class for the rules: its script class (an index into SCRIPTS), SPACE_CLASS or INVALID_CLASS. */
const SPACE_CLASS = -1;
const INVALID_CLASS = -2;

/** Each symbol's class, `symbols[s]` being the code point of symbol s. */
function symbolClasses(symbols: readonly number[]): Int32Array {
  return Int32Array.from(symbols, (c) =>
    c === UNKNOWN_CHAR || c === SENTENCE_BOUNDARY ? INVALID_CLASS : c === SPACE ? SPACE_CLASS : scriptOf(c),
  );
}

/**
 * For each position p of a symbol text (`symbols[s]`: the code point of symbol s), the length of the longest
 * valid piece starting there: text[p, p + k) is valid exactly when 1 <= k <= lengths[p]. The text must end
 * with an invalid symbol (a sentence boundary), so no valid piece runs off its end. One pass from the end:
 * after a character of script S, a piece runs on over Inherited characters and then as far as the piece that
 * starts at the next character of script S.
 *
 * ```ts
 * // symbols [0, 0xffff, 0x20, 0x61, 0x62, 0x31], text "␠ab1" + boundary -> lengths [3, 2, 1, 1, 0]
 * ```
 */
export function validLengths(text: Int32Array, symbols: readonly number[], maxLength: number): Uint16Array {
  const cls = symbolClasses(symbols);
  const n = text.length;
  const lengths = new Uint16Array(n);
  const cap = Math.min(maxLength, 0xffff);
  /** The length of the run of Inherited characters that starts at p + 1. */
  let inherited = 0;
  for (let p = n - 2; p >= 0; p--) {
    const c = cls[text[p]];
    const next = cls[text[p + 1]];
    let length = 0;
    if (c === SPACE_CLASS || c === INHERITED) length = 1 + (next === SPACE_CLASS ? 0 : lengths[p + 1]);
    else if (c !== INVALID_CLASS) {
      const q = p + 1 + inherited;
      length = 1 + inherited + (cls[text[q]] === c ? lengths[q] : 0);
    }
    lengths[p] = Math.min(cap, length);
    inherited = c === INHERITED ? inherited + 1 : 0;
  }
  return lengths;
}
