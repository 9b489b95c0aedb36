/**
 * Named pre-tokenization patterns: the regex that cuts text into pieces before BPE runs inside each piece.
 *
 * `gpt2`, `cl100k` and `o200k` reproduce the Hugging Face `tokenizers` ByteLevel split and tiktoken's
 * cl100k_base / o200k_base splits exactly; `cjk` is our own pattern for mixed Chinese/English text.
 * docs/patterns.md explains every alternative and how the translation was checked.
 *
 * Faithful translation from the Rust engines (tiktoken 1.0.22: fancy-regex 0.11 on regex 1.11; tokenizers
 * 0.23.2: Oniguruma through the onig crate 6.5) to JavaScript needs three things:
 * - `\s` is Unicode White_Space there; JavaScript's `\s` adds U+FEFF and drops U+0085. We spell the set out.
 * - `(?i:'s|...)` uses Unicode simple case folding (`'ſ`, U+017F, matches `'s`); Node 20 has no `(?i:...)`
 *   groups, so each letter becomes a class of its case-fold orbit.
 * - Both engines carry Unicode 16.0 tables, while V8's `\p{...}` follows the ICU of the running Node (Node
 *   20.20 has Unicode 17.0; older Node 20 releases have 15.0). So the classes are built from frozen Unicode
 *   16.0 tables (unicode-tables.ts) instead of `\p{...}`: the pieces are the references' on every Node version.
 *
 * Every pattern ends with `[^]`, matches at least one code point at every position and so never skips a
 * character (lone surrogates included: under the `u` flag they are single code points).
 */

import { unicodeTable, type Ranges } from './unicode-tables.js';
import { isScannedPattern, pieceScanner } from './scanner.js';
import { VocabularyError } from '../vocabulary.js';

export { UNICODE_VERSION, unicodeTable, type Ranges, type UnicodeTableName } from './unicode-tables.js';

// ---------------------------------------------------------------------------------------------------------
// Range-set algebra, so that set differences need neither the `v` flag nor lookahead.

function normalize(ranges: Array<readonly [number, number]>): Ranges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function union(...sets: Ranges[]): Ranges {
  return normalize(sets.flat());
}

function minus(a: Ranges, b: Ranges): Ranges {
  const out: Array<[number, number]> = [];
  let j = 0;
  for (const [start, end] of a) {
    let s = start;
    while (j < b.length && b[j][1] < s) j++;
    let k = j;
    while (s <= end && k < b.length && b[k][0] <= end) {
      if (b[k][0] > s) out.push([s, b[k][0] - 1]);
      s = Math.max(s, b[k][1] + 1);
      k++;
    }
    if (s <= end) out.push([s, end]);
  }
  return out;
}

function cps(...codePoints: number[]): Ranges {
  return normalize(codePoints.map((c) => [c, c] as const));
}

function inRanges(c: number, r: Ranges): boolean {
  let lo = 0;
  let hi = r.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (c < r[mid][0]) hi = mid - 1;
    else if (c > r[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

let literalOk: Ranges | undefined;

function esc(c: number): string {
  // Letters, marks and digits stay literal: V8 stops optimizing regexes whose source exceeds 20 KiB
  // (kRegExpTooLargeToOptimize), and \u{...} escapes would triple the length. Everything else (ASCII
  // punctuation, controls, spaces, symbols) is escaped, so the source stays printable and valid inside a
  // class under both the `u` and the `v` flag. The choice uses the frozen tables, so the source is the
  // same string on every Node version.
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return String.fromCharCode(c);
  literalOk ??= union(unicodeTable('L'), unicodeTable('M'), unicodeTable('N'));
  if (c > 0x7f && inRanges(c, literalOk)) return String.fromCodePoint(c);
  return c <= 0xffff ? `\\u${c.toString(16).padStart(4, '0')}` : `\\u{${c.toString(16)}}`;
}

/** The body of a character class (without brackets) for the ranges. */
function body(r: Ranges): string {
  let s = '';
  for (const [a, b] of r) s += a === b ? esc(a) : b === a + 1 ? esc(a) + esc(b) : `${esc(a)}-${esc(b)}`;
  return s;
}

const cls = (r: Ranges): string => `[${body(r)}]`;
const notCls = (r: Ranges): string => `[^${body(r)}]`;

// ---------------------------------------------------------------------------------------------------------
// The sets the patterns use.

const L = unicodeTable('L');
const N = unicodeTable('N');
const M = unicodeTable('M');
const WS = unicodeTable('White_Space');
const CRLF = cps(0x0d, 0x0a);

/** `(?i:x)` for the letters of the contractions: the Unicode simple case-fold orbit of each letter. */
const FOLD: Record<string, string> = { s: '[sS\\u{17f}]', t: '[tT]', r: '[rR]', e: '[eE]', v: '[vV]', m: '[mM]', l: '[lL]', d: '[dD]' };
/** tiktoken's `(?i:'s|'t|'re|'ve|'m|'ll|'d)`. */
const CONTRACTIONS_I = `'(?:${FOLD.s}|${FOLD.t}|${FOLD.r}${FOLD.e}|${FOLD.v}${FOLD.e}|${FOLD.m}|${FOLD.l}${FOLD.l}|${FOLD.d})`;

// o200k's case classes: [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] = (L - Ll) + M and [\p{Ll}\p{Lm}\p{Lo}\p{M}] = (L - Lu - Lt) + M.
const UPPERISH = union(minus(L, unicodeTable('Ll')), M);
const LOWERISH = union(minus(L, union(unicodeTable('Lu'), unicodeTable('Lt'))), M);

function gpt2Source(): string {
  const s = cls(WS);
  return `'s|'t|'re|'ve|'m|'ll|'d| ?${cls(L)}+| ?${cls(N)}+| ?${notCls(union(WS, L, N))}+` + `|${s}+(?!${notCls(WS)})|${s}+|[^]`;
}

function cl100kSource(): string {
  const s = cls(WS);
  return (
    `${CONTRACTIONS_I}|${notCls(union(CRLF, L, N))}?${cls(L)}+|${cls(N)}{1,3}` +
    `| ?${notCls(union(WS, L, N))}+[\\r\\n]*|${s}*[\\r\\n]+|${s}+(?!${notCls(WS)})|${s}+|[^]`
  );
}

/**
 * o200k's first two alternatives, `P?U*L+C?|P?U+L*C?` (P = [^\r\n\p{L}\p{N}], U and L its case classes, C
 * the contractions), written as `P'?(?:U*L+|U+L*)C?` with P' = P minus marks, which keeps the source under
 * V8's 20 KiB optimization limit. Same pieces: P and the case classes share only the marks; where P matches a
 * non-mark both orders try "P then U*L+" before "P then U+L*" and nothing else can match; where the first
 * character X is a mark, the P-taken tries succeed exactly when the X-as-letter tries do, with the same end
 * (X leads the same greedy run either way), so only the order "U*L+" before "U+L*" matters, which is kept.
 */
function o200kSource(): string {
  const s = cls(WS);
  return (
    `${notCls(union(CRLF, L, N, M))}?(?:${cls(UPPERISH)}*${cls(LOWERISH)}+|${cls(UPPERISH)}+${cls(LOWERISH)}*)` +
    `(?:${CONTRACTIONS_I})?|${cls(N)}{1,3}` +
    `| ?${notCls(union(WS, L, N))}+[\\r\\n\\/]*|${s}*[\\r\\n]+|${s}+(?!${notCls(WS)})|${s}+|[^]`
  );
}

/** Run-length caps of the `cjk` pattern, in code points (docs/patterns.md explains the values). */
export const CJK_CAPS = { cjkRun: 32, letterPart: 32, punct: 16, newlinesAfterPunct: 4, space: 64 } as const;

/**
 * The `cjk` pattern, in order:
 * 1. Latin and other letters (not Han/kana) with an optional one-character prefix (horizontal space or ASCII
 *    punctuation), split at lower-to-upper case changes as in o200k, with a contraction suffix.
 * 2. Han and kana runs (Japanese okurigana stays with its kanji), optionally after one horizontal space.
 * 3. Digits in groups of at most three; Han-script numerals (〇) stay in Han runs.
 * 4. Punctuation and symbols (CJK and full-width punctuation included, never joined to Han), optionally after
 *    one horizontal space, with up to four following line breaks.
 * 5. Whitespace up to and including the last line break; a horizontal-space run keeps its last character for
 *    the next piece only when that piece can take it (so no lone space is stranded before digits); the rest.
 * No lookahead ever looks past a line break, so a cut after "\n" before non-space is always safe.
 */
function cjkSource(): string {
  const caps = CJK_CAPS;
  const hspace = minus(WS, cps(0x0a, 0x0b, 0x0c, 0x0d, 0x85, 0x2028, 0x2029));
  const asciiPunct = normalize([
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ]);
  const cjk = union(
    unicodeTable('Han'),
    unicodeTable('Hiragana'),
    unicodeTable('Katakana'),
    // Kana-only marks of script Common/Inherited: (semi-)voiced sound marks and the prolonged sound mark,
    // full-width and half-width.
    cps(0x3099, 0x309a, 0x309b, 0x309c, 0x30fc, 0xff70, 0xff9e, 0xff9f),
  );
  const up = cls(minus(UPPERISH, cjk));
  const low = cls(minus(LOWERISH, cjk));
  const digits = minus(N, cjk);
  const punct = notCls(union(WS, L, N, cjk));
  const h = cls(hspace);
  const s = cls(WS);
  const c = caps.letterPart;
  const contraction = `(?:['\\u{2019}](?:[sStTmMdD]|[rR][eE]|[vV][eE]|[lL][lL]))?`;
  return (
    `${cls(union(hspace, asciiPunct))}?(?:${up}{0,${c}}${low}{1,${c}}|${up}{1,${c}}${low}{0,${c}})${contraction}` +
    `|${h}?${cls(cjk)}${cls(union(cjk, M))}{0,${caps.cjkRun - 1}}` +
    `|${cls(digits)}{1,3}` +
    `|${h}?${punct}{1,${caps.punct}}[\\r\\n]{0,${caps.newlinesAfterPunct}}` +
    `|${s}{0,${caps.space - 1}}[\\r\\n]` +
    `|${s}{1,${caps.space - 1}}(?=${h}${notCls(union(WS, digits))})` +
    `|${s}{1,${caps.space}}|[^]`
  );
}

const BUILDERS = { gpt2: gpt2Source, cl100k: cl100kSource, o200k: o200kSource, cjk: cjkSource } as const;

export type PatternName = keyof typeof BUILDERS;
export const PATTERN_NAMES = Object.keys(BUILDERS) as PatternName[];

export function isPatternName(name: string): name is PatternName {
  return Object.hasOwn(BUILDERS, name);
}

/**
 * The upstream spellings of the reference patterns, as given to tiktoken (`pat_str`) and as `tokenizers`'
 * ByteLevel pre-tokenizer compiles them (Rust/Oniguruma dialect, not JavaScript). `cjk` has none: it exists
 * only as `patternSource('cjk')`; docs/patterns.md spells it with `\p{...}` for reading.
 */
export const UPSTREAM_PATTERNS: Readonly<Record<'gpt2' | 'cl100k' | 'o200k', string>> = {
  gpt2: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  cl100k:
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  o200k:
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
    "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
    '|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+',
};

const sourceCache = new Map<PatternName, string>();
const regexCache = new Map<PatternName, RegExp>();

/** The JavaScript regex source of a named pattern (use with flags `gu`). */
export function patternSource(name: PatternName): string {
  let s = sourceCache.get(name);
  if (s === undefined) {
    s = BUILDERS[name]();
    sourceCache.set(name, s);
  }
  return s;
}

/** A fresh global regex for the pattern: callers own its lastIndex. */
export function patternRegExp(name: PatternName): RegExp {
  return new RegExp(patternSource(name), 'gu');
}

/**
 * A fresh global regex for a vocabulary's pattern: a name from this file, or a JavaScript regex source
 * compiled with flags `gu`. Throws VocabularyError if the source does not compile.
 */
export function compilePattern(pattern: string): RegExp {
  if (isPatternName(pattern)) return patternRegExp(pattern);
  if (typeof pattern !== 'string' || pattern === '') {
    throw new VocabularyError('pattern must be a pattern name or a non-empty regex source');
  }
  try {
    return new RegExp(pattern, 'gu');
  } catch (e) {
    throw new VocabularyError(`pattern is neither a known pattern name nor a valid JavaScript regex (flags 'gu'): ${(e as Error).message}`);
  }
}

function sharedRegExp(name: PatternName): RegExp {
  let re = regexCache.get(name);
  if (!re) {
    re = patternRegExp(name);
    regexCache.set(name, re);
  }
  return re;
}

/** The pieces of `text` under the pattern, in order; they always join back to `text`. */
export function splitPieces(text: string, name: PatternName): string[] {
  // String.prototype.match with a global regex starts at 0 and leaves lastIndex at 0, so sharing is safe.
  return text.match(sharedRegExp(name)) ?? [];
}

/**
 * The end of the piece that starts at `start` (< text.length): where the pattern's match at `start` ends.
 * gpt2, cl100k and o200k use the hand-written scanners of scanner.ts (the same pieces, about twice as fast);
 * cjk a sticky copy of its regex.
 */
export type PieceEnd = (text: string, start: number) => number;

const pieceEndCache = new Map<PatternName, PieceEnd>();

export function pieceEndFunction(name: PatternName): PieceEnd {
  let f = pieceEndCache.get(name);
  if (f === undefined) {
    f = isScannedPattern(name) ? pieceScanner(name) : stickyPieceEnd(name);
    pieceEndCache.set(name, f);
  }
  return f;
}

function stickyPieceEnd(name: PatternName): PieceEnd {
  const re = new RegExp(patternSource(name), 'yu');
  return (text, start) => {
    re.lastIndex = start;
    // Every pattern matches at least one code point at every position.
    if (!re.test(text)) throw new Error(`pattern ${name} matched nothing at ${start}`);
    return re.lastIndex;
  };
}

/**
 * Calls `onPiece(start, end)` for every piece in order (UTF-16 offsets into `text`, end exclusive), without
 * making strings or match objects: the fast way to walk piece boundaries.
 */
export function forEachPiece(text: string, name: PatternName, onPiece: (start: number, end: number) => void): void {
  const pieceEnd = pieceEndFunction(name);
  for (let start = 0; start < text.length;) {
    const end = pieceEnd(text, start);
    onPiece(start, end);
    start = end;
  }
}

/** The end offset (UTF-16, exclusive) of every piece, in order; the last one is `text.length`. */
export function pieceEnds(text: string, name: PatternName): Uint32Array {
  let ends = new Uint32Array(Math.max(16, text.length >>> 2));
  let n = 0;
  forEachPiece(text, name, (_start, end) => {
    if (n === ends.length) {
      const grown = new Uint32Array(n * 2);
      grown.set(ends);
      ends = grown;
    }
    ends[n++] = end;
  });
  return ends.slice(0, n);
}

// ---------------------------------------------------------------------------------------------------------

/** Unicode White_Space for one UTF-16 unit: the `\s` of every pattern here (no White_Space is astral). */
export function isWhiteSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 32 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}
