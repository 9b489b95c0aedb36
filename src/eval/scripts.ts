import { isWhiteSpace } from '../bpe/patterns.js';

/** Where a character belongs in the per-script breakdown of token costs. */
export const SCRIPTS = ['han', 'latin', 'digits', 'whitespace', 'punctuation', 'other'] as const;
export type Script = (typeof SCRIPTS)[number];

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const DIGIT = /\p{Nd}/u;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const cache = new Map<number, number>();

/**
 * The script class of a code point, as an index into SCRIPTS: Han (Script=Han), Latin (Script=Latin letters),
 * digits (Nd, any script), whitespace (Unicode White_Space), punctuation (P and S, emoji excepted), other
 * (kana, Hangul, Cyrillic, emoji, marks, ...). metrics.ts puts lone surrogates under other too.
 */
export function scriptOf(cp: number): number {
  let s = cache.get(cp);
  if (s !== undefined) return s;
  const ch = String.fromCodePoint(cp);
  if (HAN.test(ch)) s = 0;
  else if (LATIN.test(ch)) s = 1;
  else if (DIGIT.test(ch)) s = 2;
  else if (cp < 0x10000 && isWhiteSpace(cp)) s = 3;
  else if (PUNCTUATION.test(ch) && !PICTOGRAPHIC.test(ch)) s = 4;
  else s = 5;
  cache.set(cp, s);
  return s;
}
