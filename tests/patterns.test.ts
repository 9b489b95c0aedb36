import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tiktoken, type TiktokenEncoding } from 'tiktoken';
import { Tokenizer, byteLevelPreTokenizer } from 'tokenizers';
import {
  CJK_CAPS,
  PATTERN_NAMES,
  UNICODE_VERSION,
  UPSTREAM_PATTERNS,
  forEachPiece,
  isPatternName,
  isWhiteSpace,
  patternRegExp,
  patternSource,
  pieceEnds,
  splitPieces,
  unicodeTable,
  type PatternName,
  type Ranges,
  type UnicodeTableName,
} from '../src/bpe/pretokenize/patterns.js';
import { firstCut } from '../src/store/text-chunks.js';
import { lcg } from './random.js';
import { freeTiktokenPeers, tiktokenPeer } from './tiktoken-peer.js';
import { HAVE_SHARED, needsShared, sharedPath } from './shared.js';

const require = createRequire(import.meta.url);
afterAll(freeTiktokenPeers);
const TIKTOKEN_DIR = dirname(require.resolve('tiktoken'));
const TOKENIZERS_DIR = dirname(require.resolve('tokenizers'));

/** tiktoken's own pattern strings (the gpt2 one is r50k's, the same regex as tokenizers' ByteLevel). */
const PAT_STR: Record<'gpt2' | 'cl100k' | 'o200k', string> = {
  gpt2: JSON.parse(readFileSync(join(TIKTOKEN_DIR, 'encoders/gpt2.json'), 'utf8')).pat_str,
  cl100k: JSON.parse(readFileSync(join(TIKTOKEN_DIR, 'encoders/cl100k_base.json'), 'utf8')).pat_str,
  o200k: JSON.parse(readFileSync(join(TIKTOKEN_DIR, 'encoders/o200k_base.json'), 'utf8')).pat_str,
};
const ENCODING: Record<'cl100k' | 'o200k', TiktokenEncoding> = { cl100k: 'cl100k_base', o200k: 'o200k_base' };

/** UTF-8 as tiktoken and tokenizers receive a JavaScript string: lone surrogates become U+FFFD. */
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const hexPieces = (pieces: string[]) => pieces.map((p) => utf8(p).toString('hex'));

const TRICKY: string[] = [
  "I'LL DON'T they'Re we'VE you'D she'S it'ſ 'ſ 'S 's 'Ss x'ſa 'ſz 'Sz 'ẞz 'ßz 'K 'ṡ",
  "don't won't can'T y'all rock'n'roll 'tis ''s '''ll O'Neil",
  'HTTPServerError XMLHttpRequest iPhone getHTTPResponseCode ǅemal ǄǅǆDž Ǆabc ǅA ÀÉÎ àéî Straße STRASSE',
  'e\u0301te\u0301 cafe\u0301 \u0301abc A\u0301B x\u0301\u0301 1\u0301 .\u0301 \u0301\u0301A',
  '\u0301A \u0301HTTP \u0301ǅ 1\u0301AB .\u0301A\u0301b \u0903X ँ\u0301',
  'हिन्दी भाषा नमस्ते दुनिया ক্ষ ﷺ',
  '1234567 12 ١٢٣٤ ۱۲۳۴۵ ½² ¾x １２３４５ 𝟙𝟚𝟛𝟜 Ⅻ 〇 x2y3 3.14159 1,000,000 -42 2024年',
  'a\u00a0b a\u3000b a\ufeffb a\u0085b a\u2028b a\u2029b a\u1680b a\u2000\u200ab a\u202f\u205fb',
  '\r\n\r\nx  \n  y\t\t\n trailing   \n end   ',
  '   ',
  '\n\n\n',
  ' \n \n ',
  '\v\f x\v\f\u0085\n',
  'a//b a///b </div>\n<div>\n//comment\n}\n//x\n.\n/a ./\n/\n',
  'a\ud800b \udc00 \ud800\ud800 x\udbff\udfff y\udfff\ud800 \ud83d',
  '\ud800',
  '👨‍👩‍👧‍👦 👍🏽 🇨🇳🇺🇸 ❤️ 🏳️‍🌈 x😀y 😀😀 a👍🏽b',
  '深度学习（Deep Learning）是机器学习的一个分支。\n我们使用PyTorch实现。',
  '日本語のテキストです。カタカナー ｶﾀｶﾅ ひらがな',
  'ภาษาไทยไม่มีช่องว่าง 한국어 텍스트 Ελληνικά Русский текст',
  '在2024年，GPT-4o的上下文是128k tokens。',
  'a\u{323b0}b ʕAb ʕ•ᴥ•ʔ x\u{10940}y \u{11de0}1 \u{10d40}x a\u{1e6c0}b ꟎a',
  '\x00\x01\x7f \u200b\u200c\u200d x\u200by',
  '\t\tdef f(x):\n\t\treturn x  \n\n\n    pass\n',
  '',
];

// ---------------------------------------------------------------------------------------------------------
// Reference splitters.

/**
 * tiktoken's exact pieces of a short text: a Tiktoken whose vocabulary holds every byte substring of the text
 * (ranked by length) merges each regex match into one token, so its tokens are tiktoken's pieces.
 */
function tiktokenPieces(text: string, patStr: string): string[] {
  const bytes = utf8(text);
  const subs = new Set<string>();
  for (let i = 0; i < bytes.length; i++) for (let j = i + 2; j <= bytes.length; j++) subs.add(bytes.subarray(i, j).toString('base64'));
  const lines: string[] = [];
  for (let b = 0; b < 256; b++) lines.push(`${Buffer.from([b]).toString('base64')} ${b}`);
  [...subs].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)).forEach((s, i) => lines.push(`${s} ${256 + i}`));
  const enc = new Tiktoken(lines.join('\n'), {}, patStr);
  try {
    return Array.from(enc.encode_ordinary(text), (id) => Buffer.from(enc.decode_single_token_bytes(id)).toString('hex'));
  } finally {
    enc.free();
  }
}

/** tokenizers' ByteLevel split, as code point end offsets (its offsets count chars, not bytes or UTF-16). */
const hfByteLevel = byteLevelPreTokenizer(false, true);
function hfEnds(text: string): number[] {
  return hfByteLevel.preTokenizeString(text).map(([, [, end]]) => end);
}
function codePointEnds(pieces: string[]): number[] {
  const ends: number[] = [];
  let n = 0;
  for (const p of pieces) {
    for (const _ of p) n++;
    ends.push(n);
  }
  return ends;
}

/**
 * The check asked of cl100k/o200k: each piece encoded alone, concatenated, is tiktoken's encoding of the whole
 * text, and every piece boundary is a token boundary of that encoding. Returns undefined or a description.
 */
function tiktokenMismatch(text: string, pieces: string[], enc: Tiktoken): string | undefined {
  const whole = enc.encode_ordinary(text);
  const cache = new Map<string, Uint32Array>();
  let k = 0;
  for (let p = 0; p < pieces.length; p++) {
    let ids = cache.get(pieces[p]);
    if (!ids) cache.set(pieces[p], (ids = enc.encode_ordinary(pieces[p])));
    for (let j = 0; j < ids.length; j++, k++) {
      if (whole[k] !== ids[j]) {
        return `ids differ at token ${k}, piece ${p} ${JSON.stringify(pieces[p])} (context ${JSON.stringify(pieces.slice(Math.max(0, p - 3), p + 3))})`;
      }
    }
  }
  if (k !== whole.length) return `pieces give ${k} ids, tiktoken ${whole.length}`;
  // Token boundaries of tiktoken's own encoding, as UTF-8 byte offsets.
  const tokenLength = new Map<number, number>();
  const totalBytes = utf8(text).length;
  const isTokenEnd = new Uint8Array(totalBytes + 1);
  let at = 0;
  for (const id of whole) {
    let n = tokenLength.get(id);
    if (n === undefined) tokenLength.set(id, (n = enc.decode_single_token_bytes(id).length));
    at += n;
    isTokenEnd[at] = 1;
  }
  if (at !== totalBytes) return `tiktoken's tokens decode to ${at} bytes, the text has ${totalBytes}`;
  at = 0;
  for (let p = 0; p < pieces.length; p++) {
    at += Buffer.byteLength(pieces[p], 'utf8');
    if (!isTokenEnd[at]) return `piece ${p} ${JSON.stringify(pieces[p])} ends at byte ${at}, inside a tiktoken token`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Random text.

/** Fragments chosen to exercise every alternative and every class edge of the four patterns. */
const FRAGMENTS = [
  ..."aAzZ sS'tTrReEvVmMlLdD1٣½²１ \t\n\r\n\n/.,!?-_(中文日本語テスト한국어ไทยहिन्दीǅǄǆ",
  ...['\u0301', '\u0300', 'ſ', '\u00a0', '\u3000', '\ufeff', '\u0085', '\u2028', '\u000b', '\ud800', '\udc00'],
  ...['😀', '👨‍👩‍👧', '🇨🇳', '🏽', '\u200d', '\u{323b0}', 'ʕ', '\u{10d40}', 'K', 'HTTP', "'LL", "'ll", "'Re", '’t'],
  ...['。', '，', '（', '）', '\u0903', 'ー', '〇', '々', 'ｶ', '\u3099', '  ', '\n\n', '   x', '123', '\u{20000}'],
];

function randomText(rand: () => number, maxFragments: number): string {
  const n = Math.floor(rand() * (maxFragments + 1));
  let t = '';
  for (let i = 0; i < n; i++) t += FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)];
  return t;
}

/** Random code points from every plane, lone surrogates included. */
function randomCodePoints(rand: () => number, n: number): string {
  let t = '';
  for (let i = 0; i < n; i++) {
    const r = rand();
    const cp = r < 0.5 ? Math.floor(rand() * 0x3000) : r < 0.8 ? Math.floor(rand() * 0x10000) : Math.floor(rand() * 0x110000);
    t += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
  return t;
}

function corpus(name: string): string {
  return readFileSync(sharedPath('corpora', name), 'utf8');
}

/** Slices of a corpus at code point boundaries (a slice must not start inside a surrogate pair). */
function slices(text: string, count: number, length: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let start = Math.floor(((text.length - length) * i) / Math.max(1, count - 1));
    if (start > 0 && (text.charCodeAt(start) & 0xfc00) === 0xdc00) start++;
    let end = Math.min(text.length, start + length);
    if ((text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
    out.push(text.slice(start, end));
  }
  return out;
}

function expectJoinsBack(text: string, name: PatternName): void {
  const pieces = splitPieces(text, name);
  expect(pieces.join('')).toBe(text);
  expect(pieces.every((p) => p.length > 0)).toBe(true);
  const ends = pieceEnds(text, name);
  let at = 0;
  expect(Array.from(ends)).toEqual(pieces.map((p) => (at += p.length)));
}

// ---------------------------------------------------------------------------------------------------------

describe('pattern API', () => {
  it('names the four patterns', () => {
    expect(PATTERN_NAMES).toEqual(['gpt2', 'cl100k', 'o200k', 'cjk']);
    for (const name of PATTERN_NAMES) expect(isPatternName(name)).toBe(true);
    expect(isPatternName('p50k')).toBe(false);
    expect(isPatternName('toString')).toBe(false);
  });

  it('gives a fresh global unicode regex each time', () => {
    for (const name of PATTERN_NAMES) {
      const a = patternRegExp(name);
      const b = patternRegExp(name);
      expect(a).not.toBe(b);
      expect(a.flags).toBe('gu');
      expect(a.lastIndex).toBe(0);
      expect(a.source).toBe(new RegExp(patternSource(name), 'u').source);
    }
  });

  it("keeps every source under V8's 20 KiB limit for optimized regex code", () => {
    // Above kRegExpTooLargeToOptimize (20 * 1024 UTF-16 units) V8 compiles without its optimizations, and
    // splitting runs several times slower.
    for (const name of PATTERN_NAMES) expect(patternSource(name).length).toBeLessThan(20 * 1024);
  });

  it('compiles under the v flag too, with the same pieces', () => {
    for (const name of PATTERN_NAMES) {
      const re = new RegExp(patternSource(name), 'gv');
      for (const t of TRICKY) expect(t.match(re) ?? []).toEqual(splitPieces(t, name));
    }
  });

  it('leaves the shared regex usable when forEachPiece callbacks split other text', () => {
    const outer: string[] = [];
    forEachPiece('ab cd ef', 'cl100k', (s, e) => {
      outer.push('ab cd ef'.slice(s, e));
      expect(splitPieces('x y', 'cl100k')).toEqual(['x', ' y']);
    });
    expect(outer).toEqual(['ab', ' cd', ' ef']);
    expect(splitPieces('ab cd', 'cl100k')).toEqual(['ab', ' cd']);
  });

  it('spells the reference patterns as tiktoken was given them', () => {
    expect(UPSTREAM_PATTERNS.cl100k).toBe(PAT_STR.cl100k);
    expect(UPSTREAM_PATTERNS.o200k).toBe(PAT_STR.o200k);
    expect(UPSTREAM_PATTERNS.gpt2).toBe("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
  });
});

describe('pieces join back to the input', () => {
  it('on tricky inputs', () => {
    for (const name of PATTERN_NAMES) for (const t of TRICKY) expectJoinsBack(t, name);
  });

  it('on random fragments and random code points of every plane, lone surrogates included', () => {
    const rand = lcg(1);
    for (let i = 0; i < 300; i++) {
      const t = i % 2 ? randomText(rand, 40) : randomCodePoints(rand, 60);
      for (const name of PATTERN_NAMES) expectJoinsBack(t, name);
    }
  });

  it('matches a lone surrogate as one code point', () => {
    for (const name of PATTERN_NAMES) {
      expect(splitPieces('\ud800', name)).toEqual(['\ud800']);
      expect(splitPieces('\udc00\udc00', name).join('')).toBe('\udc00\udc00');
    }
  });

  describe.skipIf(!HAVE_SHARED)(needsShared('on corpus slices'), () => {
    const files = HAVE_SHARED ? readdirSync(sharedPath('corpora')).filter((f) => f.endsWith('.txt')) : [];
    it.each(files)('%s', (file) => {
      const text = corpus(file);
      for (const s of slices(text, 8, 50_000)) for (const name of PATTERN_NAMES) expectJoinsBack(s, name);
    });
  });
});

describe('cjk', () => {
  const cjk = (t: string) => splitPieces(t, 'cjk');

  it('splits Han from Latin and full-width punctuation from Han', () => {
    expect(cjk('深度学习（Deep Learning）是机器学习的一个分支。\n我们使用PyTorch实现。')).toEqual([
      '深度学习',
      '（',
      'Deep',
      ' Learning',
      '）',
      '是机器学习的一个分支',
      '。\n',
      '我们使用',
      'Py',
      'Torch',
      '实现',
      '。',
    ]);
    expect(cjk('（Python）')).toEqual(['（', 'Python', '）']);
    expect(cjk('，我们')).toEqual(['，', '我们']);
    expect(cjk('GPT-4o的')).toEqual(['GPT', '-', '4', 'o', '的']);
    expect(cjk('使用 Python 实现')).toEqual(['使用', ' Python', ' 实现']);
  });

  it('groups digits by three and keeps Han numerals in Han runs', () => {
    expect(cjk('二〇二四年，1234567元')).toEqual(['二〇二四年', '，', '123', '456', '7', '元']);
    expect(cjk('１２３４')).toEqual(['１２３', '４']);
  });

  it('keeps kana with kanji and the prolonged sound mark with katakana', () => {
    expect(cjk('日本語のテキストです。カタカナー')).toEqual(['日本語のテキストです', '。', 'カタカナー']);
  });

  it('handles spaces: a run keeps its last space for a following word, never strands one before digits', () => {
    expect(cjk('x   123')).toEqual(['x', '   ', '123']);
    expect(splitPieces('x   123', 'cl100k')).toEqual(['x', '  ', ' ', '123']);
    expect(cjk('x   y')).toEqual(['x', '  ', ' y']);
    expect(cjk('\u3000\u3000中文')).toEqual(['\u3000', '\u3000中文']);
    expect(cjk('a  \n  b')).toEqual(['a', '  \n', ' ', ' b']);
    expect(cjk('。\n\n\n\n\n\n')).toEqual(['。\n\n\n\n', '\n\n']);
  });

  it('splits at case changes like o200k and keeps contractions', () => {
    expect(cjk('HTTPServerError')).toEqual(['HTTPServer', 'Error']);
    expect(cjk("don't DON’T")).toEqual(["don't", ' DON’T']);
    expect(cjk('a\u0301b')).toEqual(['a\u0301b']);
    expect(cjk('👍🏽👨‍👩‍👧')).toEqual(['👍🏽👨‍👩‍👧']);
  });

  it('caps run lengths', () => {
    const lengths = (t: string) => cjk(t).map((p) => [...p].length);
    expect(CJK_CAPS).toEqual({ cjkRun: 32, letterPart: 32, punct: 16, newlinesAfterPunct: 4, space: 64 });
    expect(lengths('a'.repeat(100))).toEqual([32, 32, 32, 4]);
    expect(lengths('A'.repeat(100))).toEqual([32, 32, 32, 4]);
    expect(lengths('中'.repeat(100))).toEqual([32, 32, 32, 4]);
    expect(lengths('𠀀'.repeat(40))).toEqual([32, 8]);
    expect(cjk('1'.repeat(10))).toEqual(['111', '111', '111', '1']);
    expect(lengths('-'.repeat(40))).toEqual([16, 16, 8]);
    expect(lengths(' '.repeat(100))).toEqual([64, 36]);
    expect(lengths(`x${' '.repeat(100)}y`)).toEqual([1, 64, 35, 2]);
  });

  it('yields bounded pieces on a 10 MB line without spaces', () => {
    const unit = '深度学习DeepLearning1234567890（）。，PyTorch実装ですαβγ😀\u0301-';
    const line = unit.repeat(Math.ceil(10_000_000 / unit.length));
    const longest = (t: string) => {
      let max = 0;
      forEachPiece(t, 'cjk', (s, e) => (max = Math.max(max, e - s)));
      return max;
    };
    expect(longest(line)).toBeLessThanOrEqual(CJK_CAPS.letterPart * 2 + 4);
    for (const c of ['中', 'a', 'Z', '9', '.', ' ', '\n', 'ｶ', '\u0301']) {
      expect({ c, longest: longest(c.repeat(1_000_000)) <= CJK_CAPS.space }).toEqual({ c, longest: true });
    }
  });
});

describe('Unicode tables', () => {
  const NAMES: UnicodeTableName[] = ['L', 'Lu', 'Ll', 'Lt', 'M', 'N', 'Han', 'Hiragana', 'Katakana', 'White_Space'];
  const asBytes = (r: Ranges, countPrefix: boolean) => {
    const b = Buffer.alloc((countPrefix ? 4 : 0) + r.length * 8);
    let at = 0;
    if (countPrefix) at = b.writeUInt32LE(r.length, 0);
    for (const [lo, hi] of r) at = b.writeUInt32LE(hi, b.writeUInt32LE(lo, at));
    return b;
  };

  it('are sorted, disjoint and match the Unicode version claimed', () => {
    expect(UNICODE_VERSION).toBe('16.0.0');
    for (const name of NAMES) {
      const r = unicodeTable(name);
      for (let i = 0; i < r.length; i++) {
        expect(r[i][0]).toBeLessThanOrEqual(r[i][1]);
        if (i) expect(r[i][0]).toBeGreaterThan(r[i - 1][1] + 1);
      }
    }
    // Unicode 16.0 facts: Garay (U+10D4A) is a letter, CJK Extension J (U+323B0, Unicode 17) is not yet
    // assigned, and ʕ (U+0295) is still a lowercase letter (Lo since 17.0).
    const has = (name: UnicodeTableName, c: number) => unicodeTable(name).some(([lo, hi]) => c >= lo && c <= hi);
    expect(has('L', 0x10d4a)).toBe(true);
    expect(has('L', 0x323b0)).toBe(false);
    expect(has('Ll', 0x295)).toBe(true);
    expect(has('White_Space', 0x85)).toBe(true);
    expect(has('White_Space', 0xfeff)).toBe(false);
  });

  it("are byte for byte the tables in tiktoken's wasm (regex-syntax)", () => {
    const wasm = readFileSync(join(TIKTOKEN_DIR, 'tiktoken_bg.wasm'));
    for (const name of NAMES) expect({ name, found: wasm.indexOf(asBytes(unicodeTable(name), false)) >= 0 }).toEqual({ name, found: true });
  });

  const natives = readdirSync(TOKENIZERS_DIR).filter(
    (f) => f.startsWith(`tokenizers.${process.platform}-${process.arch}`) && f.endsWith('.node'),
  );
  const noNatives = natives.length === 0 ? ` (skipped: tokenizers has no native module for ${process.platform}-${process.arch})` : '';
  it.skipIf(natives.length === 0)(`are byte for byte the tables in tokenizers' native module (Oniguruma)${noNatives}`, () => {
    for (const file of natives) {
      const bin = readFileSync(join(TOKENIZERS_DIR, file));
      for (const name of NAMES) {
        expect({ file, name, found: bin.indexOf(asBytes(unicodeTable(name), true)) >= 0 }).toEqual({ file, name, found: true });
      }
    }
  });

  it("decide the classes, not the running Node's \\p{...}", () => {
    // Code points where this Node's Unicode differs from 16.0 (none on a Node with Unicode 16).
    const frozenL = unicodeTable('L');
    const inL = (c: number) => frozenL.some(([lo, hi]) => c >= lo && c <= hi);
    const differing: number[] = [];
    for (let c = 0; c < 0x110000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      if (/\p{L}/u.test(String.fromCodePoint(c)) !== inL(c)) differing.push(c);
    }
    const frozenN = unicodeTable('N');
    const sample = differing.filter((_, i) => i % Math.max(1, Math.floor(differing.length / 200)) === 0);
    for (const c of [...sample, 0x323b0, 0x10d4a]) {
      if (frozenN.some(([lo, hi]) => c >= lo && c <= hi)) continue;
      const ch = String.fromCodePoint(c);
      const expected = inL(c) ? [`a${ch}b`] : ['a', `${ch}b`];
      expect({ c, pieces: splitPieces(`a${ch}b`, 'cl100k') }).toEqual({ c, pieces: expected });
    }
  });

  it('fold the contraction letters as Unicode simple case folding does (ſ with s, nothing else new)', () => {
    const orbit = (letter: string) => {
      const re = new RegExp(`^${letter}$`, 'iu');
      const out: string[] = [];
      for (let c = 0; c < 0x110000; c++)
        if (!(c >= 0xd800 && c <= 0xdfff) && re.test(String.fromCodePoint(c))) out.push(String.fromCodePoint(c));
      return out;
    };
    const orbits = Object.fromEntries([...'strevmld'].map((l) => [l, orbit(l)]));
    expect(orbits.s).toEqual(['S', 's', 'ſ']);
    for (const l of 'trevmld') expect(orbits[l]).toEqual([l.toUpperCase(), l]);
    for (const contraction of ['s', 't', 're', 've', 'm', 'll', 'd']) {
      const [first, second] = [...contraction];
      const spellings = second === undefined ? orbits[first] : orbits[first].flatMap((a) => orbits[second].map((b) => a + b));
      for (const c of spellings) expect(splitPieces(`'${c}z`, 'cl100k')).toEqual([`'${c}`, 'z']);
    }
    for (const ch of ['ß', 'ẞ', 'ś', 'Ś', 'ṡ', 'ť']) expect(splitPieces(`'${ch}z`, 'cl100k')).toEqual([`'${ch}z`]);
  });
});

describe("tiktoken's exact pieces (a vocabulary of every substring makes each piece one token)", () => {
  const names = ['gpt2', 'cl100k', 'o200k'] as const;

  it('on tricky inputs', () => {
    for (const t of TRICKY) {
      // Long lines are checked line by line, to keep the all-substrings vocabulary small.
      for (const line of utf8(t).length > 200 ? t.split(/(?<=\n)/) : [t]) {
        for (const name of names) {
          expect({ name, line, pieces: hexPieces(splitPieces(line, name)) }).toEqual({
            name,
            line,
            pieces: tiktokenPieces(line, PAT_STR[name]),
          });
        }
      }
    }
  });

  it('on random text', () => {
    const rand = lcg(2);
    for (let i = 0; i < 100; i++) {
      const t = randomText(rand, 16);
      for (const name of names) {
        expect({ name, t, pieces: hexPieces(splitPieces(t, name)) }).toEqual({ name, t, pieces: tiktokenPieces(t, PAT_STR[name]) });
      }
    }
  });

  it('on the code points where Unicode 17 (this Node) and 16 (tiktoken) differ', () => {
    const texts = ['a\u{323b0}b', 'x\u{10940}y', '\u{11de0}12', 'ʕAb', 'Aʕb', 'a\u{1acf}b', 'x\u{16ea0}y', '\u{16ff4}7'];
    for (const t of texts) for (const name of names) expect(hexPieces(splitPieces(t, name))).toEqual(tiktokenPieces(t, PAT_STR[name]));
  });
});

describe('tiktoken encodings: pieces encoded alone concatenate to the whole encoding', () => {
  for (const name of ['cl100k', 'o200k'] as const) {
    it(`${name} on tricky inputs`, () => {
      const enc = tiktokenPeer(ENCODING[name]);
      for (const t of TRICKY) expect({ t, mismatch: tiktokenMismatch(t, splitPieces(t, name), enc) }).toEqual({ t, mismatch: undefined });
    });

    it(`${name} would catch a wrong boundary`, () => {
      const enc = tiktokenPeer(ENCODING[name]);
      const t = 'Hello world, this is a test.';
      const pieces = splitPieces(t, name);
      expect(tiktokenMismatch(t, pieces, enc)).toBeUndefined();
      const wrong = [pieces[0].slice(0, 3), pieces[0].slice(3), ...pieces.slice(1)];
      expect(tiktokenMismatch(t, wrong, enc)).toBeDefined();
    });
  }

  describe.skipIf(!HAVE_SHARED)(needsShared('on all of d2l'), () => {
    for (const file of ['d2l-zh.txt', 'd2l-en.txt']) {
      for (const name of ['cl100k', 'o200k'] as const) {
        it(`${name}, ${file}`, () => {
          const text = corpus(file);
          expect(tiktokenMismatch(text, splitPieces(text, name), tiktokenPeer(ENCODING[name]))).toBeUndefined();
        });
      }
    }
  });
});

describe("gpt2 is tokenizers' ByteLevel split", () => {
  it('reports offsets in code points (checked on astral and lone-surrogate text)', () => {
    expect(hfByteLevel.preTokenizeString('😀x \ud800y')).toEqual([
      ['ðŁĺĢ', [0, 1]],
      ['x', [1, 2]],
      ['Ġï¿½', [2, 4]],
      ['y', [4, 5]],
    ]);
  });

  it('on tricky inputs and random text', () => {
    const rand = lcg(3);
    const texts = [...TRICKY, ...Array.from({ length: 300 }, () => randomText(rand, 30))];
    for (const t of texts) expect({ t, ends: codePointEnds(splitPieces(t, 'gpt2')) }).toEqual({ t, ends: hfEnds(t) });
  });

  describe.skipIf(!HAVE_SHARED)(needsShared('on all of d2l'), () => {
    it.each(['d2l-zh.txt', 'd2l-en.txt'])('%s', (file) => {
      const text = corpus(file);
      const ours = codePointEnds(splitPieces(text, 'gpt2'));
      const theirs = hfEnds(text);
      let first = -1;
      for (let i = 0; i < Math.max(ours.length, theirs.length) && first < 0; i++) if (ours[i] !== theirs[i]) first = i;
      expect(first).toBe(-1);
    });
  });
});

describe('the sources mean the same in Oniguruma (tokenizers), spelled in its dialect', () => {
  /** Our JavaScript sources in Oniguruma's dialect: they use only escapes, classes and groups both share. */
  const toOniguruma = (src: string) =>
    src
      .replace(/\\u\{([0-9a-f]+)\}|\\u([0-9a-f]{4})/g, (_m, a: string | undefined, b: string | undefined) => `\\x{${a ?? b}}`)
      .replaceAll('[^]', '[\\x{0}-\\x{10FFFF}]')
      .replaceAll('\\/', '/');
  /** GPT-2's byte-to-character map (bytes_to_unicode). */
  const byteChars = (() => {
    const bs: number[] = [];
    for (let b = 0; b < 256; b++) if ((b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff)) bs.push(b);
    const chars: string[] = [];
    for (const b of bs) chars[b] = String.fromCodePoint(b);
    let n = 0;
    for (let b = 0; b < 256; b++) if (chars[b] === undefined) chars[b] = String.fromCodePoint(256 + n++);
    return chars;
  })();
  /** A tokenizer with the pattern as a Split and single-byte tokens: its word ids are the pieces. */
  const splitter = (pattern: string) =>
    Tokenizer.fromString(
      JSON.stringify({
        version: '1.0',
        truncation: null,
        padding: null,
        added_tokens: [],
        normalizer: null,
        pre_tokenizer: {
          type: 'Sequence',
          pretokenizers: [
            { type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false },
            { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
          ],
        },
        post_processor: null,
        decoder: null,
        model: {
          type: 'BPE',
          dropout: null,
          unk_token: null,
          continuing_subword_prefix: null,
          end_of_word_suffix: null,
          fuse_unk: false,
          byte_fallback: false,
          ignore_merges: false,
          vocab: Object.fromEntries(byteChars.map((c, b) => [c, b])),
          merges: [],
        },
      }),
    );
  /** Piece ends in code points (the offsets tokenizers reports). */
  const onigEnds = async (tok: Tokenizer, text: string) => {
    const enc = await tok.encode(text);
    const words = enc.getWordIds();
    const offsets = enc.getOffsets();
    const ends: number[] = [];
    for (let i = 0; i < words.length; i++) if (i === words.length - 1 || words[i + 1] !== words[i]) ends.push(offsets[i][1]);
    return ends;
  };

  it.each(PATTERN_NAMES)('%s on tricky inputs and random text', async (name) => {
    const tok = splitter(toOniguruma(patternSource(name)));
    const rand = lcg(9);
    const texts = [...TRICKY.filter((t) => t.length > 0), ...Array.from({ length: 200 }, () => randomText(rand, 30) || 'x')];
    for (const t of texts) expect({ t, ends: codePointEnds(splitPieces(t, name)) }).toEqual({ t, ends: await onigEnds(tok, t) });
  });

  describe.skipIf(!HAVE_SHARED)(needsShared('on corpus slices'), () => {
    it.each(PATTERN_NAMES)('%s', async (name) => {
      const tok = splitter(toOniguruma(patternSource(name)));
      for (const file of ['d2l-zh.txt', 'bench-mix.txt']) {
        for (const s of slices(corpus(file), 3, 100_000)) {
          const ours = codePointEnds(splitPieces(s, name));
          const theirs = await onigEnds(tok, s);
          const first = ours.findIndex((e, i) => e !== theirs[i]);
          expect({ file, first, count: ours.length }).toEqual({ file, first: -1, count: theirs.length });
        }
      }
    });
  });
});

describe('chunk cuts (src/store/text-chunks.ts: after a newline before a non-space, o200k\'s "/" excepted)', () => {
  const isCut = (t: string, i: number) => firstCut(t, 'piece', i) === i;

  /** The reader pre-tokenizes a chunk with one character of the next as context and keeps the pieces before i. */
  const contextRuleHolds = (t: string, i: number, name: PatternName, whole: string[]) => {
    const head: string[] = [];
    let at = 0;
    for (const p of splitPieces(t.slice(0, i + 1), name)) {
      if (at + p.length > i) break;
      head.push(p);
      at += p.length;
    }
    return at === i && [...head, ...splitPieces(t.slice(i), name)].join('\u0000') === whole.join('\u0000');
  };

  it('treat as space exactly Unicode White_Space', () => {
    const table = unicodeTable('White_Space');
    for (let c = 0; c < 0x10000; c++) {
      expect({ c, space: isWhiteSpace(c) }).toEqual({ c, space: table.some(([lo, hi]) => c >= lo && c <= hi) });
    }
  });

  it('keep the pieces of every pattern, with one character of context, at every cut of random text', () => {
    const rand = lcg(8);
    let cuts = 0;
    for (let k = 0; k < 15_000; k++) {
      const t = randomText(rand, 20);
      for (const name of PATTERN_NAMES) {
        const whole = splitPieces(t, name);
        for (let i = 1; i < t.length; i++) {
          if (!isCut(t, i)) continue;
          cuts++;
          expect({ t, i, name, ok: contextRuleHolds(t, i, name, whole) }).toEqual({ t, i, name, ok: true });
        }
      }
    }
    expect(cuts).toBeGreaterThan(15_000);
  });

  it('need the context and the "/" exception, as the references split', () => {
    // gpt2: `\s+(?!\S)` leaves the last space of a run before a non-space, but takes the whole run at the end
    // of a text. tokenizers itself splits "a  \nb" as a, "  ", "\n", b and "a  \n" as a, "  \n".
    expect(hfEnds('a  \nb')).toEqual([1, 3, 4, 5]);
    expect(hfEnds('a  \n')).toEqual([1, 4]);
    expect(splitPieces('a  \nb', 'gpt2')).toEqual(['a', '  ', '\n', 'b']);
    expect(isCut('a  \nb', 4)).toBe(true);
    // o200k: `[^\s\p{L}\p{N}]+[\r\n/]*` runs a line's closing punctuation into the next line's slashes.
    expect(tiktokenPieces('}\n//x', PAT_STR.o200k)).toEqual(hexPieces(['}\n//', 'x']));
    expect(splitPieces('}\n//x', 'o200k')).toEqual(['}\n//', 'x']);
    expect(isCut('}\n//x', 2)).toBe(false);
  });

  describe.skipIf(!HAVE_SHARED)(needsShared('on d2l'), () => {
    it.each(['d2l-zh.txt', 'd2l-en.txt'])("%s: split at every cut with context, the pieces are the whole text's", (file) => {
      const text = corpus(file);
      for (const name of PATTERN_NAMES) {
        const whole = pieceEnds(text, name);
        let k = 0;
        let bad = -1;
        let start = 0;
        let cuts = 0;
        const take = (end: number, context: number) => {
          const ends = pieceEnds(text.slice(start, context), name);
          for (let j = 0; j < ends.length && start + ends[j] <= end; j++) if (whole[k++] !== start + ends[j] && bad < 0) bad = k - 1;
          start = end;
        };
        for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) {
          if (isCut(text, nl + 1)) {
            take(nl + 1, nl + 2);
            cuts++;
          }
        }
        take(text.length, text.length);
        expect(cuts).toBeGreaterThan(10_000);
        expect({ name, k, bad }).toEqual({ name, k: whole.length, bad: -1 });
      }
    });
  });
});
