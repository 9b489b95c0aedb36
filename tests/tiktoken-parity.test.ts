/**
 * Exactness against the `tiktoken` package for each of its named encodings, loaded through our registry
 * (src/store/tokenizers.ts): corpora, tricky inputs and the three special-token modes.
 *
 * Corpus sizes: all of d2l-zh.txt and d2l-en.txt for every encoding; the first 8 MB of bench-mix.txt for
 * cl100k_base and o200k_base and the first 2 MB for gpt2, r50k_base and p50k_base, to keep the suite's time
 * reasonable (16 MB takes over 10 s per encoding, ours and tiktoken's together). Set TOKENLAB_FULL_PARITY=1
 * to compare 16 MB for every encoding.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SpecialTokenError } from '../src/bpe/tokenizer.js';
import { loadTokenizer, tiktokenEncoding, UnknownTokenizerError } from '../src/store/tokenizers.js';
import { expectSameIds } from './compare.js';
import { HAVE_SHARED, needsShared, sharedPath, sharedTextHead } from './shared.js';
import { freeTiktokenPeers, TIKTOKEN_NAMES as NAMES, tiktokenPeer as peer } from './tiktoken-peer.js';

const FULL = process.env.TOKENLAB_FULL_PARITY === '1';
const MB = 1024 * 1024;
type Name = (typeof NAMES)[number];
const BENCH_BYTES: Record<Name, number> = {
  gpt2: FULL ? 16 * MB : 2 * MB,
  r50k_base: FULL ? 16 * MB : 2 * MB,
  p50k_base: FULL ? 16 * MB : 2 * MB,
  cl100k_base: FULL ? 16 * MB : 8 * MB,
  o200k_base: FULL ? 16 * MB : 8 * MB,
};
/** Python tiktoken's `n_vocab` (its JS binding does not expose it). */
const N_VOCAB: Record<Name, number> = { gpt2: 50257, r50k_base: 50257, p50k_base: 50281, cl100k_base: 100277, o200k_base: 200019 };
/** How many special tokens each encoding has. */
const SPECIAL_TOKENS: Record<Name, number> = { gpt2: 1, r50k_base: 1, p50k_base: 1, cl100k_base: 5, o200k_base: 2 };

afterAll(freeTiktokenPeers);

const TRICKY: Record<string, string> = {
  empty: '',
  space: ' ',
  whitespaceOnly: ' \t\n  \r\n\u3000 ',
  contractions: "I'LL DON'T they'Re We'VE she's It'S you'd I'm 'LL 'll 'Ll O'NEIL'S",
  oCase: 'HTTPServerError XMLHttpRequest iPhone McDonald ǅemal ǅ ǈ ǋ Ǆ ǆ',
  combining: 'e\u0301 A\u0308B\u0308c n\u0303o\u0303 \u0301\u0301 CAFE\u0301 cafe\u0301s',
  devanagari: 'नमस्ते दुनिया हिन्दी भाषा क्षत्रिय',
  digits: '1234567 12 123 1234 ١٢٣٤ ٠١٢٣٤٥٦٧٨٩ ۱۲۳ १२३४ ๑๒๓๔ ½² ³⁴ ⅣⅤ ①② 3.14159 1,000,000',
  spaces: 'a\u00A0b \u00A0 c\u3000d\u3000\u3000e\uFEFFf\u0085g\u2028h\u2029i\r\nj\r\n\r\nk  \n  l\t\t m   ',
  trailingRuns: 'x    \n\n    \t\t   ',
  slashes: 'a//b a/b // http://example.com/x//y </div>\n</div>\n\n<br/>\n',
  loneSurrogates: 'a\ud800b \udc00 \udbff\udbff x\ud83d \ude00 end\ud800',
  emoji: '👨‍👩‍👧‍👦 👩🏽‍💻 🇨🇳🇺🇸🇯🇵 👍🏻👍🏿 🏳️‍🌈 ❤️ 😀😀😀 #️⃣',
  chinese: '深度学习是机器学习的一个分支，它使用多层神经网络。「你好」——《动手学深度学习》',
  japanese: 'こんにちは世界。カタカナとひらがな、漢字を混ぜた日本語の文章です。ｶﾀｶﾅ',
  thai: 'ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรคระหว่างคำ',
  protoPieces: 'constructor __proto__ toString hasOwnProperty valueOf constructor.prototype __defineGetter__',
  protoAlone: '__proto__',
  mixed: 'Hello, 世界! 123 émoji 🎉\n\tcode: `x = y // 2;`\n',
};

describe.each(NAMES)('%s', (name) => {
  it('gives tiktoken ids on tricky inputs (ordinary, and encode with no specials present)', () => {
    const ours = tiktokenEncoding(name);
    const theirs = peer(name);
    for (const [label, text] of Object.entries(TRICKY)) {
      expectSameIds(ours.encodeOrdinary(text), theirs.encode_ordinary(text), `${name} ${label} (ordinary)`);
      expectSameIds(ours.encode(text), theirs.encode(text), `${name} ${label} (encode)`);
    }
  });

  it('gives tiktoken ids on long pieces', { timeout: 60_000 }, () => {
    const ours = tiktokenEncoding(name);
    const theirs = peer(name);
    // tiktoken's merge is quadratic in a piece's length: 100,000 a's take it ~12 s per encoding, so here 20,000
    // (0.5 s); tests/encoder.test.ts compares 100,000-character pieces for cl100k_base and o200k_base, and ours
    // is checked on 100,000 a's against the 20,000 result's structure below.
    const as = 'a'.repeat(20_000);
    for (const text of [as, ' '.repeat(20_000), '深'.repeat(5_000), '🙂'.repeat(3_000), 'ab1'.repeat(10_000)]) {
      expectSameIds(ours.encodeOrdinary(text), theirs.encode_ordinary(text), `${name} long ${JSON.stringify(text.slice(0, 3))}`);
    }
    // 100,000 a's, checked by structure (not against tiktoken's own output, which takes it ~12 s): leftmost-first
    // merging cuts a run of one letter into equal tokens from the left, so ours on 100,000 must be tiktoken's
    // first token for 20,000 repeated, then tiktoken's ids for the remainder.
    const small = Array.from(theirs.encode_ordinary('a'.repeat(20_000)));
    const big = ours.encodeOrdinary('a'.repeat(100_000));
    const unit = small[0];
    const unitLen = ours.tokenBytes(unit).length;
    const whole = Math.floor(100_000 / unitLen);
    const rest = 'a'.repeat(100_000 - whole * unitLen);
    expectSameIds(big, [...new Array(whole).fill(unit), ...(rest ? Array.from(theirs.encode_ordinary(rest)) : [])], `${name} 100,000 a's`);
  });

  it('handles special tokens in tiktoken three modes', () => {
    const ours = tiktokenEncoding(name);
    const theirs = peer(name);
    const specials = [...ours.specialTokens.keys()];
    expect(specials).toHaveLength(SPECIAL_TOKENS[name]);
    expect(specials).toContain('<|endoftext|>');
    const text = `Hello<|endoftext|>world ${specials.join(' x ')}<|endoftext|><|endoftext|> <|endoftext tail`;
    // allowed
    expectSameIds(ours.encode(text, { allowedSpecial: 'all' }), theirs.encode(text, 'all'), `${name} allowed all`);
    expectSameIds(
      ours.encode('a<|endoftext|>b', { allowedSpecial: ['<|endoftext|>'] }),
      theirs.encode('a<|endoftext|>b', ['<|endoftext|>']),
      `${name} allowed one`,
    );
    expect(ours.encode('<|endoftext|>', { allowedSpecial: 'all' })).toEqual([ours.specialTokens.get('<|endoftext|>')]);
    // disallowed (the default): both refuse
    expect(() => theirs.encode(text)).toThrow();
    expect(() => ours.encode(text)).toThrow(SpecialTokenError);
    expect(() => ours.encode(text)).toThrow(/special token "<\|endoftext\|>" at offset 5.*allowedSpecial.*encodeOrdinary/);
    // as ordinary text
    expectSameIds(ours.encodeOrdinary(text), theirs.encode_ordinary(text), `${name} ordinary`);
    expectSameIds(ours.encode(text, { disallowedSpecial: [] }), theirs.encode(text, [], []), `${name} nothing disallowed`);
  });

  const onlyOne = SPECIAL_TOKENS[name] === 1;
  it.skipIf(onlyOne)(
    `allowing one special token still refuses the others, as tiktoken does${onlyOne ? ` (skipped: ${name} has one)` : ''}`,
    () => {
      const ours = tiktokenEncoding(name);
      const [first, second] = ours.specialTokens.keys();
      const two = `a${first}b${second}c`;
      expect(() => peer(name).encode(two, [first])).toThrow();
      expect(() => ours.encode(two, { allowedSpecial: [first] })).toThrow(SpecialTokenError);
    },
  );

  it('decodes to tiktoken bytes and reports its vocabulary size', () => {
    const ours = tiktokenEncoding(name);
    const theirs = peer(name);
    const text = Object.values(TRICKY).join('|') + '<|endoftext|>';
    const ids = theirs.encode(text, 'all');
    expect(Buffer.from(ours.decodeBytes(ids)).equals(Buffer.from(theirs.decode(ids)))).toBe(true);
    expect(ours.nVocab).toBe(N_VOCAB[name]);
    for (const id of [0, 255, 256, 1000, ours.nVocab - 1]) {
      expect(Buffer.from(ours.tokenBytes(id)).equals(Buffer.from(theirs.decode_single_token_bytes(id))), `token ${id}`).toBe(true);
    }
    expect(() => ours.decodeBytes([ours.nVocab])).toThrow(RangeError);
  });
});

describe.skipIf(!HAVE_SHARED)(needsShared('corpora'), () => {
  describe.each(NAMES)('%s', (name) => {
    it.each(['d2l-zh.txt', 'd2l-en.txt'])('gives tiktoken ids on all of %s', (file) => {
      const text = readFileSync(sharedPath('corpora', file), 'utf8');
      expectSameIds(tiktokenEncoding(name).encodeOrdinary(text), peer(name).encode_ordinary(text), `${name} ${file}`);
    });

    it(`gives tiktoken ids on the first ${BENCH_BYTES[name] / MB} MB of bench-mix.txt`, () => {
      const text = sharedTextHead('corpora/bench-mix.txt', BENCH_BYTES[name]);
      expectSameIds(tiktokenEncoding(name).encodeOrdinary(text), peer(name).encode_ordinary(text), `${name} bench-mix`);
    });
  });
});

describe('registry', () => {
  it('caches each encoding per process', () => {
    expect(tiktokenEncoding('gpt2')).toBe(tiktokenEncoding('gpt2'));
  });

  it('loads p50k_edit (gap at rank 50256 and specials after)', () => {
    const text = 'x<|fim_prefix|>def f():\n        return 1<|fim_suffix|><|endoftext|>';
    const ours = tiktokenEncoding('p50k_edit').encode(text, { allowedSpecial: 'all' });
    expectSameIds(ours, peer('p50k_edit').encode(text, 'all'), 'p50k_edit');
  });

  it('resolves names and refuses unknown ones, listing the known names', async () => {
    expect(await loadTokenizer('cl100k_base')).toBe(tiktokenEncoding('cl100k_base'));
    await expect(loadTokenizer('cl100k')).rejects.toThrow(UnknownTokenizerError);
    await expect(loadTokenizer('cl100k')).rejects.toThrow(
      /unknown tokenizer "cl100k".*gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base/,
    );
    await expect(loadTokenizer('/nonexistent/v.json')).rejects.toThrow(/no such file/);
  });
});
