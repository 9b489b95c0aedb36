import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tiktoken, get_encoding } from 'tiktoken';
import { Encoder, bytePairMergeHeap, bytePairMergeScan, compilePattern } from '../src/bpe/encoder.js';
import { importTiktokenRanks, tiktokenPatStr } from '../src/bpe/tiktoken-format.js';
import { bytesToLatin1, fromBase64, toBase64, utf8Latin1 } from '../src/bpe/bytes.js';
import type { Vocabulary } from '../src/bpe/vocabulary.js';
import { HAVE_SHARED, SKIP_SHARED_REASON, sharedPath } from './shared.js';
import { expectSameIds, expectSameText } from './compare.js';

const require = createRequire(import.meta.url);

interface ShippedEncoding {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

/** A Vocabulary from the rank data the tiktoken package ships, with tokenlab's spelling of the pattern. */
function shippedVocabulary(name: 'cl100k_base' | 'o200k_base', pattern: string): Vocabulary {
  const enc = JSON.parse(readFileSync(require.resolve(`tiktoken/encoders/${name}.json`), 'utf8')) as ShippedEncoding;
  return importTiktokenRanks(enc.bpe_ranks, { pattern, specials: enc.special_tokens });
}

/** A deterministic pseudo-random generator (LCG), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Random text over code points from many scripts and planes, including lone surrogates and controls. */
function randomText(seed: number, length: number): string {
  const r = rng(seed);
  const ranges: Array<[number, number]> = [
    [0x20, 0x7e],
    [0x09, 0x0d],
    [0x80, 0x24f],
    [0x370, 0x3ff],
    [0x400, 0x4ff],
    [0x590, 0x6ff],
    [0x900, 0x97f],
    [0x2000, 0x206f],
    [0x3000, 0x30ff],
    [0x4e00, 0x9fff],
    [0xac00, 0xd7a3],
    [0xd800, 0xdfff],
    [0xfe00, 0xffff],
    [0x1f300, 0x1faff],
    [0x20000, 0x2a6df],
  ];
  let out = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = ranges[Math.floor(r() * ranges.length)];
    out += String.fromCodePoint(lo + Math.floor(r() * (hi - lo + 1)));
    if (r() < 0.15) out += ' ';
  }
  return out;
}

const TRICKY: string[] = [
  '',
  'hello world',
  'Hello, World! How are you?',
  "I'm sure they'll say we've done it, isn't it? He'd.",
  "DON'T SHOUT, I'LL 'S 'T 'RE 'VE 'M 'LL 'D",
  "ſ 'ſ 'ſt Kelvin 'K",
  '12345678901234567890 3.14159 1,000,000 ١٢٣٤٥ ๑๒๓ ⅣⅤ',
  '   leading spaces and trailing   ',
  'tabs\tand\t\tmore\ttabs',
  'line1\nline2\r\nline3\rline4\n\n\n\nend',
  '  \n  \n\t\n  x',
  'a\u0085b\u00a0c\u1680d\u2000e\u200af\u2028g\u2029h\u202fi\u205fj\u3000k\ufeffl\u180em\u200bn',
  '\ufeffBOM at start',
  'lone surrogates: \ud800 x \udc00 y \udbff\udbff z',
  'emoji 👍🏽 👨‍👩‍👧‍👦 🇨🇳🇺🇸 😀😀😀',
  'combining: e\u0301 a\u0308 n\u0303 (NFD) é ä ñ (NFC)',
  '深度学习是机器学习的一个分支。我们用PyTorch实现了一个简单的例子：y = f(x)。',
  '日本語のテキストとカタカナ、ひらがな。한국어 텍스트도 있습니다.',
  'Ελληνικά, Русский текст, العربية, עברית, हिन्दी, ไทย',
  'def f(x):\n    return x ** 2  # square\n\nclass A:\n        pass\n',
  'https://example.com/path?query=1&b=2#frag user@example.com',
  '<|endoftext|> special text <|fim_prefix|>x<|fim_suffix|>',
  '$$\\sum_{i=1}^{n} x_i^2 \\leq \\frac{1}{2}$$',
  '!!!???...---___===+++***###@@@',
  ' '.repeat(1000),
  '\n'.repeat(300),
  'a'.repeat(5000),
  'ab'.repeat(2500),
  '的'.repeat(400),
  '0'.repeat(1000),
  '=-'.repeat(700),
  'x' + ' '.repeat(37) + 'y' + '\t'.repeat(19) + 'z',
  'Supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis',
  'MixedCASEWordsLikeThisOneAndXMLHttpRequest',
  "can't won't shan't y'all o'clock rock'n'roll",
  'lowerUPPER ΣΊΣΥΦΟΣ σίσυφος ǅungla ǈ',
  '\u0000\u0001\u0002\u001f\u007f',
  randomText(1, 2000),
  randomText(2, 2000),
  randomText(3, 2000),
];

describe.each([
  ['cl100k_base', 'cl100k'],
  ['o200k_base', 'o200k'],
] as const)('Encoder with %s ranks', (name, pattern) => {
  let enc: Encoder;
  let tk: Tiktoken;
  beforeAll(() => {
    enc = new Encoder(shippedVocabulary(name, pattern));
    tk = get_encoding(name);
  });
  afterAll(() => tk.free());

  it('gives tiktoken ids on tricky inputs (ordinary)', () => {
    for (const text of TRICKY) {
      expectSameIds(enc.encodeOrdinary(text), tk.encode_ordinary(text), JSON.stringify(text.slice(0, 60)));
    }
  });

  it('gives tiktoken ids with all special tokens allowed', () => {
    for (const text of TRICKY) {
      expectSameIds(enc.encode(text, { allowedSpecial: 'all' }), tk.encode(text, 'all'));
    }
    const text = 'a<|endoftext|>b<|endoftext|><|endoftext|>';
    const ids = enc.encode(text, { allowedSpecial: new Set(['<|endoftext|>']) });
    expect(ids).toEqual([...tk.encode(text, ['<|endoftext|>'])]);
    expect(ids.filter((x) => x === enc.vocab.specials.find((s) => s.text === '<|endoftext|>')!.id)).toHaveLength(3);
  });

  it('encodes special token text as ordinary text unless allowed', () => {
    const text = 'x<|endoftext|>y';
    expect(enc.encode(text)).toEqual(enc.encodeOrdinary(text));
    expect(enc.encode(text)).toEqual([...tk.encode_ordinary(text)]);
    expect(enc.encode(text, { allowedSpecial: [] })).toEqual(enc.encodeOrdinary(text));
    expect(() => enc.encode(text, { allowedSpecial: ['<|nope|>'] })).toThrow(/not a special token/);
  });

  it('decodes to the same bytes as tiktoken and round-trips text', () => {
    for (const text of TRICKY) {
      const ids = enc.encode(text, { allowedSpecial: 'all' });
      expect(enc.decodeBytes(ids)).toEqual(tk.decode(Uint32Array.from(ids)));
      // Lone surrogates cannot survive UTF-8; everything else must come back exactly (a BOM included).
      expect(enc.decode(ids)).toBe(text.replace(/\p{Cs}/gu, '\uFFFD'));
    }
    expect(() => enc.decode([enc.nVocab + 5])).toThrow(RangeError);
  });

  it('gives the same ids with and without the piece cache', () => {
    const uncached = new Encoder(enc.vocab, { cacheSize: 0 });
    const tiny = new Encoder(enc.vocab, { cacheSize: 3 });
    for (const text of TRICKY.slice(0, 20)) {
      const want = enc.encodeOrdinary(text);
      expect(enc.encodeOrdinary(text)).toEqual(want); // second time, from the cache
      expect(uncached.encodeOrdinary(text)).toEqual(want);
      expect(tiny.encodeOrdinary(text)).toEqual(want);
    }
  });

  it('merges long pieces with the heap exactly as with the scan', () => {
    const ranks = new Map<string, number>();
    enc.vocab.tokens.forEach((t, id) => ranks.set(bytesToLatin1(t), id));
    const r = rng(7);
    for (let k = 0; k < 60; k++) {
      const alphabet = ['a', 'b', 'ab', ' ', '  ', 'e', 'er', 'th', '的', '学', '=', '-', '0'];
      let s = '';
      const n = 1 + Math.floor(r() * 300);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
      const piece = utf8Latin1(s);
      expect(bytePairMergeHeap(piece, ranks)).toEqual(bytePairMergeScan(piece, ranks));
      expect(bytePairMergeHeap(piece, ranks, 5000)).toEqual(bytePairMergeScan(piece, ranks, 5000));
    }
  });

  describe.skipIf(!HAVE_SHARED)(HAVE_SHARED ? 'd2l slices' : `d2l slices (${SKIP_SHARED_REASON})`, () => {
    it.each(['d2l-zh.txt', 'd2l-en.txt'])('gives tiktoken ids on 300 kB of %s and round-trips', (file) => {
      const full = readFileSync(sharedPath('corpora', file), 'utf8');
      const text = full.slice(Math.floor(full.length / 3), Math.floor(full.length / 3) + 300_000);
      const ids = enc.encodeOrdinary(text);
      expect(ids.length).toBeGreaterThan(50_000);
      expectSameIds(ids, tk.encode_ordinary(text));
      expectSameText(enc.decode(ids), text);
    });
  });
});

describe('Encoder with a regex source pattern', () => {
  // A small vocabulary: the cl100k ranks, with a pattern given as a JavaScript regex source.
  let base: Vocabulary;
  beforeAll(() => {
    base = shippedVocabulary('cl100k_base', 'cl100k');
  });

  it.each([
    ['words and spaces', '\\S+|\\s+'],
    ['letters only: other text is skipped, as in tiktoken', '\\p{L}+'],
    ['Han runs, digits in threes, the rest', '\\p{Script=Han}+|\\p{N}{1,3}|[^\\p{Script=Han}\\p{N}]+'],
    ['symbol runs: lone surrogates are seen as U+FFFD (So), as tiktoken sees them', '\\p{So}+|[^\\p{So}]'],
  ])('%s: same ids as tiktoken given the same regex', (_label, source) => {
    const enc = new Encoder({ ...base, pattern: source });
    const tk = new Tiktoken(readRanks(base), {}, tiktokenPatStr(source));
    try {
      for (const text of TRICKY) expectSameIds(enc.encodeOrdinary(text), tk.encode_ordinary(text));
    } finally {
      tk.free();
    }
  });

  it('refuses a pattern that is neither a name nor a JavaScript regex', () => {
    expect(() => compilePattern('(unclosed')).toThrow(/neither a known pattern name nor a valid JavaScript regex/);
    expect(() => new Encoder({ ...base, pattern: '(?i:abc)' })).toThrow(/valid JavaScript regex/);
  });
});

function readRanks(v: Vocabulary): string {
  return v.tokens.map((t, id) => `${toBase64(t)} ${id}`).join('\n');
}

describe('Encoder on small vocabularies', () => {
  const bytes = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
  const t = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('merges by the rank of the resulting token, leftmost first on ties', () => {
    // ids: 256 "bc", 257 "ab", 258 "abc", 259 "aa"
    const vocab: Vocabulary = {
      pattern: 'gpt2',
      tokens: [...bytes, t('bc'), t('ab'), t('abc'), t('aa')],
      merges: [],
      specials: [],
    };
    const enc = new Encoder(vocab);
    // "abcd": bc (256) before ab (257), then a+bc makes abc (258).
    expect(enc.encodeOrdinary('abcd')).toEqual([258, 100]);
    // "aaa": the two "aa" pairs tie; the leftmost merges.
    expect(enc.encodeOrdinary('aaa')).toEqual([259, 97]);
    // A piece that is a whole token is that token.
    expect(enc.encodeOrdinary('abc')).toEqual([258]);
  });

  it('uses a whole-piece token even where merges cannot reach it', () => {
    // "xyz" (256) has no two-token split: only a piece "xyz" gives it.
    const enc = new Encoder({ pattern: 'gpt2', tokens: [...bytes, t('xyz')], merges: [], specials: [] });
    expect(enc.encodeOrdinary('xyz xyz')).toEqual([256, 32, 120, 121, 122]);
    expect(enc.encodeOrdinary('xyzx')).toEqual([120, 121, 122, 120]);
  });

  it('prefers the longest special token where two start at the same place', () => {
    const specials = [
      { text: '<|x|>', id: 300 },
      { text: '<|x|>!', id: 301 },
    ];
    for (const order of [specials, [...specials].reverse()]) {
      const enc = new Encoder({ pattern: 'gpt2', tokens: bytes, merges: [], specials: order });
      expect(enc.encode('a<|x|>!<|x|>b', { allowedSpecial: 'all' })).toEqual([97, 301, 300, 98]);
      expect(enc.encode('a<|x|>!<|x|>b', { allowedSpecial: ['<|x|>'] })).toEqual([97, 300, 33, 300, 98]);
    }
  });

  it('refuses vocabularies it cannot encode with', () => {
    const ok: Vocabulary = { pattern: 'gpt2', tokens: [...bytes, t('ab')], merges: [[97, 98]], specials: [] };
    expect(() => new Encoder(ok)).not.toThrow();
    expect(() => new Encoder({ ...ok, tokens: bytes.slice(1) })).toThrow(/every single byte.*first 0x00/);
    expect(() => new Encoder({ ...ok, tokens: [...bytes, t('ab'), t('ab')] })).toThrow(/tokens 256 and 257 have the same bytes/);
    expect(() => new Encoder({ ...ok, specials: [{ text: '<s>', id: 100 }] })).toThrow(/collides/);
    expect(() => new Encoder({ ...ok, merges: [[97, 99]] })).toThrow(/concatenation/);
  });

  it('decodes a special token to its text and a cut character to U+FFFD', () => {
    const enc = new Encoder({ pattern: 'gpt2', tokens: bytes, merges: [], specials: [{ text: '<|s|>', id: 300 }] });
    const ids = enc.encode('中<|s|>', { allowedSpecial: 'all' });
    expect(ids).toEqual([0xe4, 0xb8, 0xad, 300]);
    expect(enc.decode(ids)).toBe('中<|s|>');
    expect(enc.decode([0xe4, 0xb8])).toBe('\uFFFD');
    expect(enc.nVocab).toBe(301);
  });
});

describe('byte helpers', () => {
  it('utf8Latin1 agrees with TextEncoder, lone surrogates included', () => {
    for (const text of TRICKY) expect(utf8Latin1(text)).toBe(bytesToLatin1(new TextEncoder().encode(text)));
  });

  it('base64 round-trips and is strict', () => {
    for (let n = 0; n < 20; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) & 255);
      expect(toBase64(b)).toBe(Buffer.from(b).toString('base64'));
      expect(fromBase64(toBase64(b))).toEqual(b);
    }
    expect(() => fromBase64('AAA')).toThrow(/multiple of 4/);
    expect(() => fromBase64('A*==')).toThrow(/invalid base64 character/);
    expect(() => fromBase64('AB==')).toThrow(/non-canonical/);
    expect(() => fromBase64('AA=A')).toThrow(/invalid base64 character/);
    expect(() => fromBase64('-_8=')).toThrow(/invalid base64 character/);
  });
});
