/**
 * Named pre-tokenization patterns: the regex that cuts text into pieces before BPE runs inside each piece.
 *
 * tiktoken's patterns are written for Rust's regex engines, where `\s` is Unicode White_Space and `(?i:...)`
 * is available. JavaScript's `\s` differs (it includes U+FEFF and omits U+0085), so `\s` is spelled out.
 */

/** Unicode White_Space, as Rust's `\s` and Oniguruma's `\s` (JavaScript's `\s` differs at U+0085 and U+FEFF). */
const WS = '\\t\\n\\v\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const S = `[${WS}]`;
const NOT_S = `[^${WS}]`;
/** The contractions of tiktoken's `(?i:'s|'t|'re|'ve|'m|'ll|'d)`; ſ (U+017F) folds to s in Unicode. */
const CONTRACTIONS_I = "'(?:[sSſ]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";

const SOURCES = {
  gpt2: `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|${S}+(?!${NOT_S})|${S}+`,
  cl100k:
    `${CONTRACTIONS_I}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*` +
    `|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`,
  o200k:
    `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:${CONTRACTIONS_I})?` +
    `|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:${CONTRACTIONS_I})?` +
    `|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n/]*|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`,
  cjk:
    `\\p{Script=Han}{1,16}|${CONTRACTIONS_I}|[^\\r\\n\\p{L}\\p{N}]?(?:(?!\\p{Script=Han})[\\p{L}\\p{M}]){1,64}` +
    `|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]{1,16}[\\r\\n]*|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`,
} as const;

export type PatternName = keyof typeof SOURCES;
export const PATTERN_NAMES = Object.keys(SOURCES) as PatternName[];

export function isPatternName(name: string): name is PatternName {
  return Object.hasOwn(SOURCES, name);
}

/** The JavaScript regex source of a named pattern (use with flags `gu`). */
export function patternSource(name: PatternName): string {
  return SOURCES[name];
}

/** A fresh global regex for the pattern: callers own its lastIndex. */
export function patternRegExp(name: PatternName): RegExp {
  return new RegExp(SOURCES[name], 'gu');
}

/** The pieces of `text` under the pattern, in order; they always join back to `text`. */
export function splitPieces(text: string, name: PatternName): string[] {
  return text.match(patternRegExp(name)) ?? [];
}
