import { isWhiteSpace } from '../bpe/pretokenize/patterns.js';

/** Where a character belongs in the per-script breakdown of token costs. */
export const SCRIPTS = ['han', 'latin', 'digits', 'whitespace', 'punctuation', 'other'] as const;
export type Script = (typeof SCRIPTS)[number];

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const DIGIT = /\p{Nd}/u;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
/** Script of each BMP code point, filled on first use (UNKNOWN until then); astral ones go through `astral`. */
const UNKNOWN = 255;
const bmp = new Uint8Array(0x10000).fill(UNKNOWN);
const astral = new Map<number, number>();

/**
 * The script class of a code point, as an index into SCRIPTS: Han (Script=Han), Latin (Script=Latin letters),
 * digits (Nd, any script), whitespace (Unicode White_Space), punctuation (P and S, emoji excepted), other
 * (kana, Hangul, Cyrillic, emoji, marks, ...), and U+FFFD: the replacement character stands for text that was
 * not valid (encoders see a lone surrogate as U+FFFD), not for a symbol.
 */
export function scriptOf(cp: number): number {
  if (cp < 0x10000) {
    const s = bmp[cp];
    return s !== UNKNOWN ? s : (bmp[cp] = classify(cp));
  }
  let s = astral.get(cp);
  if (s === undefined) astral.set(cp, (s = classify(cp)));
  return s;
}

function classify(cp: number): number {
  if (cp === 0xfffd) return 5;
  const ch = String.fromCodePoint(cp);
  if (HAN.test(ch)) return 0;
  if (LATIN.test(ch)) return 1;
  if (DIGIT.test(ch)) return 2;
  if (cp < 0x10000 && isWhiteSpace(cp)) return 3;
  if (PUNCTUATION.test(ch) && !PICTOGRAPHIC.test(ch)) return 4;
  return 5;
}
