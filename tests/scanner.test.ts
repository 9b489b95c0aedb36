import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { patternSource, unicodeTable, type Ranges } from '../src/bpe/pretokenize/patterns.js';
import { pieceScanner, type ScannedPattern } from '../src/bpe/pretokenize/scanner.js';
import { lcg } from './random.js';
import { HAVE_SHARED, needsShared, sharedPath, sharedTextHead } from './shared.js';

const SCANNED: ScannedPattern[] = ['gpt2', 'cl100k', 'o200k'];

/** Piece ends by the pattern's regex, the reference the scanner must reproduce. */
function regexEnds(text: string, name: ScannedPattern): number[] {
  const re = new RegExp(patternSource(name), 'yu');
  const ends: number[] = [];
  for (let start = 0; start < text.length;) {
    re.lastIndex = start;
    if (!re.test(text)) throw new Error(`no match at ${start}`);
    ends.push((start = re.lastIndex));
  }
  return ends;
}

function scannerEnds(text: string, name: ScannedPattern): number[] {
  const end = pieceScanner(name);
  const ends: number[] = [];
  for (let start = 0; start < text.length;) ends.push((start = end(text, start)));
  return ends;
}

/** The first piece where scanner and regex differ, with context, or undefined. */
function firstDifference(text: string, name: ScannedPattern): string | undefined {
  const want = regexEnds(text, name);
  const got = scannerEnds(text, name);
  const n = Math.max(want.length, got.length);
  for (let k = 0; k < n; k++) {
    if (want[k] !== got[k]) {
      const from = k > 0 ? want[k - 1] : 0;
      const context = JSON.stringify(text.slice(from, from + 24));
      return `${name}: piece ${k} at ${from}: regex ends at ${want[k]}, scanner at ${got[k]} in ${context}`;
    }
  }
  return undefined;
}

const ranges = (name: Parameters<typeof unicodeTable>[0]): Ranges => unicodeTable(name);

/** Ranges minus other ranges, over code points (small tables only). */
function without(a: Ranges, ...bs: Ranges[]): Ranges {
  const inB = (c: number) => bs.some((b) => b.some(([x, y]) => c >= x && c <= y));
  const out: Array<[number, number]> = [];
  for (const [x, y] of a) for (let c = x; c <= y; c++) if (!inB(c)) out.push([c, c]);
  return out;
}

/** Every character class the scanners distinguish, as code point ranges to draw from. */
const CLASSES: Ranges[] = [
  ranges('Lu'),
  ranges('Ll'),
  ranges('Lt'),
  without(
    ranges('L').filter(([a]) => a < 0x3000),
    ranges('Lu'),
    ranges('Ll'),
    ranges('Lt'),
  ), // Lm, Lo
  ranges('L').filter(([a]) => a >= 0x10000), // astral letters
  ranges('M'),
  ranges('N'), // digits of every script, astral ones too
  ranges('White_Space'),
  [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
    [0x2010, 0x2027],
    [0x3001, 0x3003],
    [0x1f300, 0x1f64f],
  ],
  [[0xd800, 0xdfff]], // lone surrogates (and, by chance, pairs)
];

/** Fragments for the alternatives' edges: contractions in any case, ſ and the Kelvin sign, breaks, slashes. */
const FRAGMENTS = [
  ..."'s 'S 'ſ 'K 'k 't 'T 're 'RE 'rE 've 'Ve 'm 'M 'll 'LL 'lL 'd 'D ' '' x's X'S".split(' '),
  ...['\r', '\n', '\r\n', '/', '//', ' ', '  ', '\t', '\u3000', '\u0085', 'HTTPServer', 'ǅa', '\u0301', 'ʕ', '😀', 'a'],
];

function randomText(rand: () => number, n: number): string {
  let t = '';
  for (let i = 0; i < n; i++) {
    if (rand() < 0.3) {
      t += FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)];
      continue;
    }
    const cls = CLASSES[Math.floor(rand() * CLASSES.length)];
    const [a, b] = cls[Math.floor(rand() * cls.length)];
    const cp = a + Math.floor(rand() * (b - a + 1));
    t += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
  return t;
}

describe('scanners give the regex pieces', () => {
  for (const name of SCANNED) {
    it(`${name} on random text of every character class`, () => {
      const rand = lcg(7);
      for (let i = 0; i < 20_000; i++) {
        const text = randomText(rand, 1 + Math.floor(rand() * 24));
        expect(firstDifference(text, name)).toBeUndefined();
      }
    });
  }

  for (const name of SCANNED) {
    it.skipIf(!HAVE_SHARED)(
      needsShared(`${name} on d2l-zh, d2l-en and the first 16 MB of bench-mix`),
      () => {
        for (const text of corpora()) expect(firstDifference(text, name)).toBeUndefined();
      },
      120_000,
    );
  }
});

let corpusTexts: string[] | undefined;

function corpora(): string[] {
  corpusTexts ??= [
    readFileSync(sharedPath('corpora', 'd2l-zh.txt'), 'utf8'),
    readFileSync(sharedPath('corpora', 'd2l-en.txt'), 'utf8'),
    sharedTextHead('corpora/bench-mix.txt', 16 * 1024 * 1024),
  ];
  return corpusTexts;
}
