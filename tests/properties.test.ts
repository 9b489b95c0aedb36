/**
 * Property-based tests (fast-check) for what users can paste or upload: arbitrary strings, full Unicode with
 * every plane and lone surrogates, mixtures of tricky pieces, and arbitrary bytes.
 *
 * Runs are reproducible: every property uses the fixed SEED (change it, or set TOKENLAB_PROPERTY_SEED, to
 * explore further) and a moderate number of runs, so the file stays within a few seconds. A failure prints the
 * shrunk counterexample and the seed/path to replay it.
 */
import { encoderOf } from './encoder-of.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8Encode, utf8Length } from '../src/bpe/bytes.js';
import { Encoder } from '../src/bpe/encode/encoder.js';
import { tokenSpans } from '../src/bpe/offsets/spans.js';
import { evaluate } from '../src/eval/metrics.js';
import { PATTERN_NAMES, pieceEnds, splitPieces, type PatternName } from '../src/bpe/pretokenize/patterns.js';
import { Tokenizer } from '../src/bpe/tokenizer.js';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import { trainFiles } from '../src/jobs/train-files.js';
import { loadTokenizer } from '../src/store/tokenizers.js';
import { expectSameIds } from './compare.js';
import { freeTiktokenPeers, TIKTOKEN_NAMES, tiktokenPeer } from './tiktoken-peer.js';

const SEED = Number(process.env.TOKENLAB_PROPERTY_SEED ?? 20_261_128);
const runs = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });

const TOKENIZER_NAMES = [...TIKTOKEN_NAMES, 'tokenlab-cjk-32k'] as const;

/** What tiktoken (and we) see of a JavaScript string: its UTF-8, where a lone surrogate becomes U+FFFD. */
const asUtf8Sees = (x: string): string => Buffer.from(x, 'utf8').toString();

// ---------------------------------------------------------------------------------------------------------
// Arbitraries

/** Any code point of any plane, surrogate code points included (they make lone surrogates). */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Pieces where pre-tokenizers and BPE have their edge cases. */
const TRICKY = [
  ' ',
  '  ',
  '    ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '\n\n',
  '\u000b',
  '\f',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u3000',
  '\ufeff',
  '\u200b',
  '\u200d',
  '\u0000',
  '\u007f',
  "'s",
  "'S",
  "'ſ",
  "'t",
  "'re",
  "'VE",
  "'m",
  "'ll",
  "'LL",
  "'d",
  "'",
  '’s',
  '/',
  '//',
  '\\',
  'a',
  'Z',
  'hello',
  'HTTPServer',
  'iPhone',
  'ǅ',
  'ǈemal',
  'über',
  'e\u0301',
  '\u0301',
  '\u0301\u0301',
  'A\u0308',
  '0',
  '7',
  '123',
  '1234',
  '١٢٣',
  '۱۲',
  '१२३',
  '½',
  '²',
  'Ⅳ',
  '①',
  '〇',
  '中',
  '文',
  '深度学习',
  '模型。',
  '，',
  '「',
  '」',
  '——',
  '《书》',
  'こんにちは',
  'カタカナ',
  'ｶﾀｶﾅ',
  'ﾞ',
  'ー',
  '한국어',
  'नमस्ते',
  'क्ष',
  'ภาษาไทย',
  'مرحبا',
  'שלום',
  'Ελληνικά',
  'Кириллица',
  '😀',
  '👍🏽',
  '👨‍👩‍👧‍👦',
  '🇨🇳',
  '🏳️‍🌈',
  '#️⃣',
  '\u{1d400}',
  '\u{20000}',
  '\u{2a6d6}',
  '\u{e0001}',
  '\u{f0000}',
  '\u{10ffff}',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\ud83d',
  '\ude00',
  '\ufffd',
  '\uffff',
  '\ufffe',
  '<|endoftext|>',
  '<|fim_prefix|>',
  '<|endofprompt|>',
  '<|endoftext',
  '|>',
  '<|',
  '__proto__',
  'constructor',
];

/** Strings from a unit: up to 64 units. */
const stringOf = (unit: fc.Arbitrary<string>, maxLength = 64) => fc.string({ unit, maxLength });

/** The text arbitraries every round-trip property runs over, with a label each. */
const TEXTS: Array<[string, fc.Arbitrary<string>]> = [
  ['binary (every code point, no lone surrogates)', fc.string({ unit: 'binary', maxLength: 64 })],
  ['every plane, lone surrogates included', stringOf(anyCodePoint)],
  [
    'mixtures of tricky pieces, code points and lone surrogates',
    stringOf(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...TRICKY) },
        { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
        { weight: 1, arbitrary: anyCodePoint },
        { weight: 1, arbitrary: loneSurrogate },
      ),
      40,
    ),
  ],
];

/** Arbitrary bytes: random bytes mixed with UTF-8 of tricky pieces, so valid and invalid runs alternate. */
const bytesArb = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 12 }),
      fc.constantFrom(...TRICKY).map((s) => Buffer.from(s, 'utf8')),
      // cut multi-byte characters, overlong and surrogate encodings, U+FFFD, a byte order mark
      fc
        .constantFrom(
          [0xe4, 0xb8],
          [0xf0, 0x9f, 0x98],
          [0xc0, 0xaf],
          [0xed, 0xa0, 0x80],
          [0xef, 0xbf, 0xbd],
          [0xef, 0xbb, 0xbf],
          [0xff],
          [0x80],
        )
        .map((b) => Uint8Array.from(b)),
    ),
    { minLength: 1, maxLength: 24 },
  )
  .map((parts) => Uint8Array.from(Buffer.concat(parts)))
  .filter((b) => b.length > 0);

// ---------------------------------------------------------------------------------------------------------
// Tokenizers

afterAll(freeTiktokenPeers);

describe.each(TOKENIZER_NAMES)('%s on arbitrary strings', (name) => {
  it.each(TEXTS)('decode(encode(x)) is x as UTF-8 sees it: %s', async (_label, texts) => {
    const t = await loadTokenizer(name);
    fc.assert(
      fc.property(texts, (x) => {
        const ids = t.encodeOrdinary(x);
        expect(t.decode(ids)).toBe(asUtf8Sees(x));
        expect(t.count(x)).toBe(ids.length);
        expect(t.decode(t.encode(x, { allowedSpecial: 'all' }))).toBe(asUtf8Sees(x));
      }),
      runs(250),
    );
  });

  it.each(TEXTS)('spans tile the text and the statistics add up, from the tokens’ shapes: %s', async (_label, texts) => {
    const t = await loadTokenizer(name);
    fc.assert(
      fc.property(texts, (x) => {
        const ids = t.encodeOrdinary(x);
        const bytes = utf8Encode(x);
        expect(utf8Length(x)).toBe(bytes.length);
        const spans = tokenSpans(x, ids, t);
        let at = 0;
        for (const s of spans) {
          expect(s.byteStart).toBe(at);
          at = s.byteEnd;
          // A whole token is its characters' bytes; a split one lies within the characters its span covers.
          if (!s.partial) expect(utf8Encode(x.slice(s.start, s.end))).toEqual(bytes.subarray(s.byteStart, s.byteEnd));
          else expect([utf8Length(x.slice(0, s.start)) <= s.byteStart, utf8Length(x.slice(0, s.end)) >= s.byteEnd]).toEqual([true, true]);
        }
        expect(at).toBe(bytes.length);
        const e = evaluate(x, ids, t);
        expect([e.tokens, e.bytes, e.characters]).toEqual([ids.length, bytes.length, [...x].length]);
        const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
        expect(sum(e.scriptTokens)).toBeCloseTo(ids.length, 9);
        expect(sum(e.scriptCharacters)).toBe(e.characters);
        expect(Math.round(e.partialShare * ids.length)).toBe(spans.filter((s) => s.partial).length);
      }),
      runs(150),
    );
  });

  it('the piece cache changes no id', async () => {
    const t = await loadTokenizer(name);
    const uncached = new Encoder(encoderOf(t).vocab, { cacheSize: 0 });
    fc.assert(
      fc.property(TEXTS[2][1], (x) => {
        expectSameIds(t.encoder.encodeOrdinary(x), uncached.encodeOrdinary(x), JSON.stringify(x));
      }),
      runs(200),
    );
  });

  it('encodeBytes/decodeBytes round-trip arbitrary bytes, invalid UTF-8 included', async () => {
    const t = await loadTokenizer(name);
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        const e = encoderOf(t);
        expect(Buffer.from(e.decodeBytes(e.encodeBytes(bytes)))).toEqual(Buffer.from(bytes));
      }),
      runs(200),
    );
  });
});

describe.each(TIKTOKEN_NAMES)('%s against the tiktoken package on arbitrary strings', (name) => {
  it.each(TEXTS)('same ids (ordinary, and with every special allowed): %s', async (_label, texts) => {
    const t = await loadTokenizer(name);
    const theirs = tiktokenPeer(name);
    fc.assert(
      fc.property(texts, (x) => {
        expectSameIds(t.encodeOrdinary(x), theirs.encode_ordinary(x), `ordinary ${JSON.stringify(x)}`);
        expectSameIds(t.encode(x, { allowedSpecial: 'all' }), theirs.encode(x, 'all'), `all specials ${JSON.stringify(x)}`);
      }),
      runs(250),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Pre-tokenizer

/** A tokenizer that splits with each pattern: its encoder walks pieces its own (fast) way. */
const TOKENIZER_OF_PATTERN: Record<PatternName, string> = {
  gpt2: 'gpt2',
  cl100k: 'cl100k_base',
  o200k: 'o200k_base',
  cjk: 'tokenlab-cjk-32k',
};

describe.each(PATTERN_NAMES)('pattern %s', (pattern) => {
  it.each(TEXTS)('the encoder cuts the pieces the regex cuts: %s', async (_label, texts) => {
    const { encoder } = await loadTokenizer(TOKENIZER_OF_PATTERN[pattern]);
    fc.assert(
      fc.property(texts, (x) => {
        expect(encoder.pieces(x)).toEqual(splitPieces(asUtf8Sees(x), pattern));
      }),
      runs(300),
    );
  });

  it.each(TEXTS)('pieces join back to the input and pieceEnds agrees: %s', (_label, texts) => {
    fc.assert(
      fc.property(texts, (x) => {
        const pieces = splitPieces(x, pattern);
        expect(pieces.join('')).toBe(x);
        expect(pieces.every((p) => p.length > 0)).toBe(true);
        let end = 0;
        expect(Array.from(pieceEnds(x, pattern))).toEqual(pieces.map((p) => (end += p.length)));
      }),
      runs(300),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Trainer

const trainTexts = fc.array(TEXTS[2][1], { minLength: 1, maxLength: 6 }).filter((ts) => ts.some((t) => t.length > 0));

describe.each(PATTERN_NAMES)('trainer, pattern %s', (pattern) => {
  it('trains on arbitrary strings and its vocabulary round-trips them', () => {
    fc.assert(
      fc.property(
        trainTexts,
        fc.integer({ min: 256, max: 420 }),
        fc.constantFrom('none' as const, 'hf' as const),
        (texts, vocabSize, compat) => {
          const vocab = trainOnTexts(texts, { pattern, vocabSize: vocabSize + 1, compat, specials: ['<|endoftext|>'] });
          const t = new Tokenizer('trained', new Encoder(vocab));
          for (const x of texts) expect(t.decode(t.encodeOrdinary(x))).toBe(asUtf8Sees(x));
        },
      ),
      runs(60),
    );
  });
});

describe('trainer on files of arbitrary bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenlab-props-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts invalid UTF-8, counts it, and its vocabulary round-trips the decoded text', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        bytesArb,
        fc.constantFrom(...PATTERN_NAMES),
        fc.integer({ min: 256, max: 400 }),
        async (bytes, pattern, vocabSize) => {
          const path = join(dir, `${n++}.txt`);
          writeFileSync(path, bytes);
          // The WHATWG decoder: U+FFFD per invalid sequence; a leading byte order mark is kept as text.
          const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
          if (text === '') {
            await expect(trainFiles([path], { pattern, vocabSize, threads: 1 })).rejects.toThrow(/the corpus is empty/);
            return;
          }
          const vocab = await trainFiles([path], { pattern, vocabSize, threads: 1 });
          const t = new Tokenizer('trained', new Encoder(vocab));
          expect(t.decode(t.encodeOrdinary(text))).toBe(text);
          const valid = (() => {
            try {
              new TextDecoder('utf-8', { fatal: true }).decode(bytes);
              return true;
            } catch {
              return false;
            }
          })();
          expect(vocab.training!.invalidUtf8 === 0).toBe(valid);
          expect(vocab.training!.corpora).toEqual([{ name: path, bytes: bytes.length }]);
        },
      ),
      runs(80),
    );
  });
});
