/**
 * The one classification of characters by script, for every count by script: the per-script breakdown of token
 * costs (metrics), the Han share of a text (text statistics) and the Han / Latin / mixed classes of a token's
 * text (the vocabulary explorer's filters).
 */
import { isWhiteSpace } from '../bpe/pretokenize/patterns.js';

/** Where a character belongs in the per-script breakdown of token costs. */
export const SCRIPTS = ['han', 'latin', 'digits', 'whitespace', 'punctuation', 'other'] as const;
export type Script = (typeof SCRIPTS)[number];

/** Indices into SCRIPTS. */
export const HAN = 0;
export const LATIN = 1;
export const DIGITS = 2;
export const WHITESPACE = 3;
export const PUNCTUATION = 4;
export const OTHER = 5;

/** Bits of a character's class above its script index (which takes the low 3 bits). */
const SCRIPT_BITS = 7;
const LETTER = 8;
const NUMBER = 16;

const HAN_RE = /\p{Script=Han}/u;
const LATIN_RE = /\p{Script=Latin}/u;
const DIGIT_RE = /\p{Nd}/u;
const PUNCTUATION_RE = /[\p{P}\p{S}]/u;
const PICTOGRAPHIC_RE = /\p{Extended_Pictographic}/u;
const LETTER_RE = /\p{L}/u;
const NUMBER_RE = /\p{N}/u;

/** Class of each BMP code point, filled on first use (UNKNOWN until then); astral ones go through `astral`. */
const UNKNOWN = 255;
const bmp = new Uint8Array(0x10000).fill(UNKNOWN);
const astral = new Map<number, number>();

function classOf(cp: number): number {
  if (cp < 0x10000) {
    const c = bmp[cp];
    return c !== UNKNOWN ? c : (bmp[cp] = classify(cp));
  }
  let c = astral.get(cp);
  if (c === undefined) astral.set(cp, (c = classify(cp)));
  return c;
}

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  return scriptIndex(cp, ch) | (LETTER_RE.test(ch) ? LETTER : 0) | (NUMBER_RE.test(ch) ? NUMBER : 0);
}

function scriptIndex(cp: number, ch: string): number {
  if (cp === 0xfffd) return OTHER;
  if (HAN_RE.test(ch)) return HAN;
  if (LATIN_RE.test(ch)) return LATIN;
  if (DIGIT_RE.test(ch)) return DIGITS;
  if (cp < 0x10000 && isWhiteSpace(cp)) return WHITESPACE;
  if (PUNCTUATION_RE.test(ch) && !PICTOGRAPHIC_RE.test(ch)) return PUNCTUATION;
  return OTHER;
}

/**
 * The script class of a code point, as an index into SCRIPTS: Han (Script=Han), Latin (Script=Latin),
 * digits (Nd, any script), whitespace (Unicode White_Space), punctuation (P and S, emoji excepted), other
 * (kana, Hangul, Cyrillic, emoji, marks, ...), and U+FFFD: the replacement character stands for text that was
 * not valid (encoders see a lone surrogate as U+FFFD), not for a symbol.
 */
export function scriptOf(cp: number): number {
  return classOf(cp) & SCRIPT_BITS;
}

/** The letter scripts a token's text can be filtered by. */
export type LetterScripts = 'han' | 'latin' | 'mixed';

/**
 * The letter scripts of a text: Han or Latin when it has letters of that script and no other letters or
 * numbers; mixed when it has letters of two of Han, Latin and the other scripts; undefined otherwise.
 * Whitespace, punctuation and symbols take no side; digits and other numbers make a text neither Han nor Latin
 * (nor mixed). A character of Script=Han that is not a letter (a radical) still counts as Han.
 */
export function letterScripts(text: string): LetterScripts | undefined {
  let han = false;
  let latin = false;
  let otherLetter = false;
  let notHan = false;
  let notLatin = false;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    const c = classOf(cp);
    const script = c & SCRIPT_BITS;
    han ||= script === HAN;
    latin ||= script === LATIN;
    if (c & LETTER && script !== HAN && script !== LATIN) otherLetter = true;
    if (c & (LETTER | NUMBER)) {
      notHan ||= script !== HAN;
      notLatin ||= script !== LATIN;
    }
  }
  if (Number(han) + Number(latin) + Number(otherLetter) > 1) return 'mixed';
  if (han && !notHan) return 'han';
  if (latin && !notLatin) return 'latin';
  return undefined;
}
