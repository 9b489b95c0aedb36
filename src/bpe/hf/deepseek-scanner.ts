/**
 * DeepSeek-V3's pre-tokenizer splits as one hand-written scanner. Its tokenizer.json chains three Isolated
 * Splits, each cutting the pieces of the one before:
 *   1. `\p{N}{1,3}`
 *   2. `[一-龥぀-ゟ゠-ヿ]+`
 *   3. `[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
 * Splits 1 and 2 cut the text into segments: number chunks (at most three \p{N}), runs of kana/Han (the
 * ranges of split 2) and runs of everything else. Split 3 then runs inside each segment: a run stops, and a
 * lookahead sees the end, where the segment ends; a stretch where it matches nothing is a piece of its own.
 * So "在2024年的GPT-4o\n" gives 在, 202, 4, 年的, GPT, -, 4, o, "\n".
 *
 * Given a piece's start, `deepSeekPieceEnd` returns its end, as the scanners of pretokenize/scanner.ts do: one
 * typed-array lookup per code point, no strings, no RegExp. The class bits come from the frozen Unicode 16.0
 * tables for \p{L}, \p{M}, \p{N} and \s (White_Space), as in Oniguruma; \p{P} and \p{S} from V8's tables
 * (Unicode 17.0 on Node 20.20), which the project has no frozen copy of. tests/hf-deepseek-scanner.test.ts
 * compares the pieces with the three Splits run as regexes, and with `tokenizers`.
 */
import { unicodeTable, type Ranges } from '../pretokenize/unicode-tables.js';
import { classAt as classAtInText, width } from '../pretokenize/scanner.js';

/** The three Splits' regexes, as DeepSeek-V3's tokenizer.json spells them (\r and \n literal in split 3). */
export const DEEPSEEK_SPLITS: readonly string[] = [
  '\\p{N}{1,3}',
  '[一-龥぀-ゟ゠-ヿ]+',
  '[!"#$%&\'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+',
];

/** Class bits of a code point. */
const LETTER = 1; // \p{L}
const MARK = 2; // \p{M}
const NUMBER = 4; // \p{N}, and no other bit
const PUNCT = 8; // \p{P} or \p{S}
const SPACE = 16; // White_Space
const NEWLINE = 32; // \r or \n
const KANA_HAN = 64; // [一-龥぀-ゟ゠-ヿ]
/** The bits that tell a code point's segment: NUMBER, KANA_HAN or neither. */
const SEGMENT = NUMBER | KANA_HAN;
/** The class `classAt` gives past the end of the text: outside every segment but a number chunk. */
const END = NUMBER;

let classes: Uint8Array | undefined;

/** Class bits for every code point (1.1 MB), built on first use. */
function classTable(): Uint8Array {
  if (classes !== undefined) return classes;
  const t = new Uint8Array(0x110000);
  const set = (a: number, b: number, bit: number): void => {
    for (let c = a; c <= b; c++) t[c] |= bit;
  };
  // General categories are disjoint, so L and M can be filled.
  for (const [a, b] of unicodeTable('L')) t.fill(LETTER, a, b + 1);
  for (const [a, b] of unicodeTable('M')) t.fill(MARK, a, b + 1);
  for (const [a, b] of unicodeTable('White_Space')) set(a, b, SPACE);
  for (const [a, b] of v8PunctuationAndSymbols()) set(a, b, PUNCT);
  t[0x0a] |= NEWLINE;
  t[0x0d] |= NEWLINE;
  set(0x3040, 0x30ff, KANA_HAN);
  set(0x4e00, 0x9fa5, KANA_HAN);
  // Split 1 comes first, and a \p{N} is in no other class of Unicode 16.0.
  for (const [a, b] of unicodeTable('N')) t.fill(NUMBER, a, b + 1);
  classes = t;
  return t;
}

/**
 * V8's `[\p{P}\p{S}]` as ranges, found by one regex search over U+0000–U+1FFFF (surrogates left out): V8 has no
 * P or S above (tests/hf-deepseek-scanner.test.ts checks every code point).
 */
function v8PunctuationAndSymbols(): Ranges {
  const units = new Uint16Array(0xf800 + 0x20000);
  for (let c = 0; c < 0xd800; c++) units[c] = c;
  for (let c = 0xe000; c < 0x10000; c++) units[c - 0x800] = c;
  for (let d = 0, i = 0xf800; d < 0x10000; d++, i += 2) {
    units[i] = 0xd800 + (d >>> 10);
    units[i + 1] = 0xdc00 + (d & 0x3ff);
  }
  const all = new TextDecoder('utf-16le').decode(units);
  const codePoint = (i: number): number => (i < 0xd800 ? i : i < 0xf800 ? i + 0x800 : 0x10000 + ((i - 0xf800) >>> 1));
  const out: Array<[number, number]> = [];
  for (const m of all.matchAll(/[\p{P}\p{S}]+/gu)) out.push([codePoint(m.index), codePoint(m.index + m[0].length) - 1]);
  return out;
}

/** The class bits of the code point at `i` (scanner.ts's classAt), END past the text. */
function classAt(t: Uint8Array, text: string, i: number): number {
  return i >= text.length ? END : classAtInText(t, text, i);
}

/** The end of the piece that starts at `start` (< text.length). */
function pieceEnd(t: Uint8Array, text: string, start: number): number {
  const k = classAt(t, text, start);
  if ((k & NUMBER) !== 0) return numberEnd(t, text, start + width(k));
  const seg = k & KANA_HAN;
  const end = matchEnd(t, text, start, k, seg);
  return end >= 0 ? end : gapEnd(t, text, start + width(k), seg);
}

/** The end of a number chunk whose first code point ends at `i`: split 3 matches nothing in it. */
function numberEnd(t: Uint8Array, text: string, i: number): number {
  for (let n = 1; n < 3; n++) {
    const k = classAt(t, text, i);
    if (i >= text.length || (k & NUMBER) === 0) break;
    i += width(k);
  }
  return i;
}

/** The end of split 3's match at `i` (class `k`, in segment `seg`: 0 or KANA_HAN), or -1 when none starts there. */
function matchEnd(t: Uint8Array, text: string, i: number, k: number, seg: number): number {
  const c = text.charCodeAt(i);
  const after = i + width(k);
  // [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+: the 32 ASCII P and S; ASCII is in segment 0.
  if (c < 0x80 && (k & PUNCT) !== 0 && asciiLetter(text.charCodeAt(after))) return asciiLetters(text, after + 1);
  // [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+ (a mark as the prefix ends where it would without it).
  if ((k & LETTER) !== 0) return lettersEnd(t, text, after, seg);
  const next = classAt(t, text, after);
  const nextIn = (next & SEGMENT) === seg;
  if ((k & (PUNCT | NEWLINE)) === 0 && (next & (LETTER | MARK)) !== 0 && nextIn) return lettersEnd(t, text, after + width(next), seg);
  if ((k & MARK) !== 0) return lettersEnd(t, text, after, seg);
  // ` ?[\p{P}\p{S}]+[\r\n]*`: line breaks are in segment 0.
  if (c === 32 && (next & PUNCT) !== 0 && nextIn) return lineBreaks(text, punctEnd(t, text, after + width(next), seg));
  if ((k & PUNCT) !== 0) {
    const e = punctEnd(t, text, after, seg);
    return seg === 0 ? lineBreaks(text, e) : e;
  }
  if ((k & SPACE) !== 0) return spacesEnd(t, text, i);
  return -1;
}

/** The end of the stretch from `j` where split 3 matches nothing, within the segment `seg`. */
function gapEnd(t: Uint8Array, text: string, j: number, seg: number): number {
  while (j < text.length) {
    const k = classAt(t, text, j);
    if ((k & SEGMENT) !== seg || matchEnd(t, text, j, k, seg) >= 0) break;
    j += width(k);
  }
  return j;
}

function asciiLetter(c: number): boolean {
  return ((c | 0x20) - 0x61) >>> 0 < 26;
}

function asciiLetters(text: string, j: number): number {
  while (asciiLetter(text.charCodeAt(j))) j++;
  return j;
}

/** The end of `[\p{L}\p{M}]*` from `j` within the segment. */
function lettersEnd(t: Uint8Array, text: string, j: number, seg: number): number {
  const len = text.length;
  while (j < len) {
    const c = text.charCodeAt(j);
    if (c < 0x80) {
      // ASCII is in segment 0, and its letters are its only \p{L} and \p{M}.
      if (seg === 0 && asciiLetter(c)) {
        j++;
        continue;
      }
      break;
    }
    const k = classAt(t, text, j);
    if ((k & (LETTER | MARK)) === 0 || (k & SEGMENT) !== seg) break;
    j += width(k);
  }
  return j;
}

/** The end of `[\p{P}\p{S}]*` from `j` within the segment. */
function punctEnd(t: Uint8Array, text: string, j: number, seg: number): number {
  const len = text.length;
  while (j < len) {
    const k = classAt(t, text, j);
    if ((k & PUNCT) === 0 || (k & SEGMENT) !== seg) break;
    j += width(k);
  }
  return j;
}

function lineBreaks(text: string, j: number): number {
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === 10 || c === 13) j++;
    else return j;
  }
}

/**
 * `\s*[\r\n]+|\s+(?!\S)|\s+` at `i` (a white space, in segment 0): through the run's last line break if it has
 * one; else the run, less its last space when more than one space is followed by a non-space of the segment.
 */
function spacesEnd(t: Uint8Array, text: string, i: number): number {
  const len = text.length;
  let j = i;
  let lastBreak = -1;
  // No White_Space is astral or a number.
  while (j < len && (t[text.charCodeAt(j)] & SPACE) !== 0) {
    if ((t[text.charCodeAt(j)] & NEWLINE) !== 0) lastBreak = j;
    j++;
  }
  if (lastBreak >= 0) return lastBreak + 1;
  if (j - i === 1 || (classAt(t, text, j) & SEGMENT) !== 0) return j;
  return j - 1;
}

/** DeepSeek-V3's three Splits: the end of the piece that starts at `start` (< text.length). */
export function deepSeekPieceEnd(): (text: string, start: number) => number {
  const t = classTable();
  return (text, start) => pieceEnd(t, text, start);
}
