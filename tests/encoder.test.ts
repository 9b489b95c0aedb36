import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Tiktoken } from 'tiktoken';
import { Encoder } from '../src/bpe/encode/encoder.js';
import { compilePattern } from '../src/bpe/pretokenize/patterns.js';
import { bytePairMergeBytes, pieceTokens } from '../src/bpe/encode/byte-pair-merge.js';
import { plainBytePairMerge } from '../src/bpe/encode/plain-byte-pair-merge.js';
import { RankTable } from '../src/bpe/encode/rank-table.js';
import { importTiktokenRanks, tiktokenPatStr } from '../src/bpe/formats/tiktoken-ranks.js';
import { tiktokenEncoder } from '../src/bpe/formats/tiktoken-encodings.js';
import { bytesToLatin1, fromBase64, toBase64, utf8Encode } from '../src/bpe/bytes.js';
import type { Vocabulary } from '../src/bpe/vocabulary.js';
import { HAVE_SHARED, needsShared, sharedPath } from './shared.js';
import { expectSameIds, expectSameText } from './compare.js';
import { lcg } from './random.js';
import { TRICKY } from './tricky-texts.js';
import { freeTiktokenPeers, tiktokenPeer } from './tiktoken-peer.js';

const require = createRequire(import.meta.url);
afterAll(freeTiktokenPeers);

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

const COMMON_HAN =
  '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区';

/** `n` common Han characters drawn at random (seeded): one unbroken letter run, so one piece. */
function hanRun(n: number, seed: number): string {
  const r = lcg(seed);
  let s = '';
  for (let i = 0; i < n; i++) s += COMMON_HAN[Math.floor(r() * COMMON_HAN.length)];
  return s;
}

function fingerprint(ids: readonly number[]): string {
  return `${ids.length}:${createHash('sha256').update(Uint32Array.from(ids)).digest('hex').slice(0, 16)}`;
}

const utf8Bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** tiktoken 1.0.22's ids for 'a'.repeat(100000) and hanRun(100000, 11), as fingerprints. */
const LONG_PIECE_FINGERPRINTS: Record<'cl100k_base' | 'o200k_base', { a: string; han: string }> = {
  cl100k_base: { a: '12500:96e713d7d5b93201', han: '120830:84085e1869202dcb' },
  o200k_base: { a: '12500:5fb5d48775cd3e22', han: '99404:f4e993262f635477' },
};

describe.each([
  ['cl100k_base', 'cl100k'],
  ['o200k_base', 'o200k'],
] as const)('Encoder with %s ranks', (name, pattern) => {
  let enc: Encoder;
  let tk: Tiktoken;
  beforeAll(() => {
    enc = new Encoder(shippedVocabulary(name, pattern));
    tk = tiktokenPeer(name);
  });

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

  it('counts what it encodes, allocating no ids (count equals encode().length)', () => {
    for (const text of TRICKY) {
      expect(enc.count(text)).toBe(enc.encode(text).length);
      expect(enc.count(text, { allowedSpecial: 'all' })).toBe(tk.encode(text, 'all').length);
      expect(enc.count(text)).toBe(tk.encode_ordinary(text).length);
    }
    expect(enc.count('')).toBe(0);
    expect(enc.count('x<|endoftext|>y', { allowedSpecial: ['<|endoftext|>'] })).toBe(3);
    expect(() => enc.count('x', { allowedSpecial: ['<|nope|>'] })).toThrow(/not a special token/);
  });

  it('gives the same ids when built straight from the rank data (tiktokenEncoder)', () => {
    const data = JSON.parse(readFileSync(require.resolve(`tiktoken/encoders/${name}.json`), 'utf8')) as ShippedEncoding;
    const fast = tiktokenEncoder(data.bpe_ranks, { pattern, specials: data.special_tokens });
    expect(fast.nVocab).toBe(enc.nVocab);
    for (const text of TRICKY) expect(fast.encode(text, { allowedSpecial: 'all' })).toEqual(enc.encode(text, { allowedSpecial: 'all' }));
    // Token bytes, read before and after the lazy `tokens` array is made, are the imported ones.
    for (const id of [0, 1, 255, 256, 1000, enc.vocab.tokens.length - 1]) expect(fast.tokenBytes(id)).toEqual(enc.tokenBytes(id));
    expect(fast.vocab.tokens.length).toBe(enc.vocab.tokens.length);
    for (let id = 0; id < enc.vocab.tokens.length; id += 997) expect(fast.vocab.tokens[id]).toEqual(enc.vocab.tokens[id]);
    expect(fast.tokenId(utf8Bytes(' hello'))).toBe(enc.tokenId(utf8Bytes(' hello')));
    expect(fast.decode(fast.encode('深度学习 hello'))).toBe('深度学习 hello');
  });

  it('encodes long pieces exactly as tiktoken (the heap merge)', () => {
    // Long enough for the heap, short enough that tiktoken's quadratic merge answers quickly.
    for (const text of ['a'.repeat(5000), hanRun(3000, 5), 'ab'.repeat(3000), '1'.repeat(999) + 'x'.repeat(4000), ' '.repeat(8000)]) {
      expectSameIds(enc.encodeOrdinary(text), tk.encode_ordinary(text), JSON.stringify(text.slice(0, 20)));
      expect(enc.count(text)).toBe(tk.encode_ordinary(text).length);
    }
  });

  it('encodes 100,000-character pieces (a run of "a", a Han run) as tiktoken does', () => {
    // tiktoken's merge is quadratic (12 s and 98 s for these on cl100k_base), so its answers were taken once
    // (tiktoken 1.0.22, encode_ordinary) and are compared here as fingerprints: count and SHA-256 of the ids.
    const want = LONG_PIECE_FINGERPRINTS[name];
    const a = enc.encodeOrdinary('a'.repeat(100_000));
    expect(fingerprint(a)).toBe(want.a);
    expect(enc.count('a'.repeat(100_000))).toBe(a.length);
    const han = enc.encodeOrdinary(hanRun(100_000, 11));
    expect(fingerprint(han)).toBe(want.han);
    expect(enc.decode(han)).toBe(hanRun(100_000, 11));
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

  /**
   * Random pieces of 1 to `maxLength` items of `alphabet` merge as tiktoken's plain scan does, bounds and ids;
   * `pieceTokens` gives the whole piece when it is a token, else the same merge.
   */
  function expectPlainMerges(alphabet: string[], pieces: number, maxLength: number, seed: number): number {
    const ranks = new Map<string, number>();
    enc.vocab.tokens.forEach((t, id) => ranks.set(bytesToLatin1(t), id));
    const table = RankTable.fromTokens(enc.vocab.tokens);
    const out = { bounds: new Int32Array(4), ids: new Int32Array(4) };
    const r = lcg(seed);
    let wholes = 0;
    for (let k = 0; k < pieces; k++) {
      let s = '';
      const n = 1 + Math.floor(r() * maxLength);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
      const piece = bytesToLatin1(utf8Encode(s));
      const bytes = Uint8Array.from(piece, (c) => c.charCodeAt(0));
      const parts = bytePairMergeBytes(table, bytes, bytes.length, out);
      const want = plainBytePairMerge(piece, ranks);
      expect(Array.from(out.bounds.subarray(0, parts + 1))).toEqual(want);
      const wantIds = want.slice(0, -1).map((b, i) => ranks.get(piece.slice(b, want[i + 1])));
      expect(Array.from(out.ids.subarray(0, parts))).toEqual(wantIds);
      const whole = ranks.get(piece);
      const got = pieceTokens(table, bytes, bytes.length, out);
      expect(Array.from(out.ids.subarray(0, got))).toEqual(whole === undefined ? wantIds : [whole]);
      expect(Array.from(out.bounds.subarray(0, got + 1))).toEqual(whole === undefined ? want : [0, bytes.length]);
      wholes += whole === undefined ? 0 : 1;
    }
    return wholes;
  }

  it("merges long pieces with the encoder's heap exactly as tiktoken's plain scan does", () => {
    expectPlainMerges(['a', 'b', 'ab', ' ', '  ', 'e', 'er', 'th', '的', '学', '=', '-', '0'], 60, 300, 7);
  });

  it("cuts pieces where no token crosses and merges the parts exactly as tiktoken's plain scan does", () => {
    // Han, kana and Latin between and inside multi-byte characters, repeated bytes ("aaa" between two Han
    // characters is a 3-byte part of its own), emoji: every cut and every short-part case.
    const alphabet = [...'的学习深度模型我们中國詩風月あカ한aeé ', 'aa', 'aaa', 'ab', '😀', '\u0301', '。', '的的'];
    expect(expectPlainMerges(alphabet, 3000, 24, 11)).toBeGreaterThan(0); // some pieces are whole tokens
  });

  it('merges bytes that are not UTF-8 (encodeBytes) exactly as the plain scan does', () => {
    // Lead bytes followed by ASCII look like characters to a careless memo: E4 41 42 must not pass for E4 81 82.
    const ranks = new Map<string, number>();
    enc.vocab.tokens.forEach((t, id) => ranks.set(bytesToLatin1(t), id));
    const plain = (bytes: Uint8Array): number[] => {
      const piece = bytesToLatin1(bytes);
      const whole = ranks.get(piece);
      if (whole !== undefined) return [whole];
      const bounds = plainBytePairMerge(piece, ranks);
      return bounds.slice(0, -1).map((b, i) => ranks.get(piece.slice(b, bounds[i + 1]))!);
    };
    const lookAlikes = [
      [0xe4, 0x81, 0x82, 0xe4, 0xb8, 0xad],
      [0xe4, 0x41, 0x42, 0xe4, 0xb8, 0xad],
      [0xe4, 0x41, 0x42],
    ];
    for (const bytes of lookAlikes) {
      expect(enc.encodeBytes(Uint8Array.from(bytes))).toEqual(plain(Uint8Array.from(bytes)));
    }
    const alphabet = [0xe4, 0xe5, 0x41, 0x42, 0x81, 0x82, 0xb8, 0xad, 0xa6, 0x20, 0xf0, 0x9f];
    const r = lcg(5);
    for (let k = 0; k < 4000; k++) {
      const length = 1 + Math.floor(r() * 12);
      const bytes = Uint8Array.from({ length }, () => alphabet[Math.floor(r() * alphabet.length)]);
      expect(enc.encodeBytes(bytes)).toEqual(plain(bytes));
    }
  });

  describe.skipIf(!HAVE_SHARED)(needsShared('d2l slices'), () => {
    it.each(['d2l-zh.txt', 'd2l-en.txt'])('gives tiktoken ids on 300 kB of %s and round-trips', (file) => {
      const full = readFileSync(sharedPath('corpora', file), 'utf8');
      const text = full.slice(Math.floor(full.length / 3), Math.floor(full.length / 3) + 300_000);
      const ids = enc.encodeOrdinary(text);
      expect(ids.length).toBeGreaterThan(50_000);
      expectSameIds(ids, tk.encode_ordinary(text));
      expectSameText(enc.decode(ids), text);
      expect(enc.count(text)).toBe(ids.length);
      // 10,000-character slices, each counted on its own, like the bench's 10 kB texts.
      for (let s = 0; s < text.length; s += 10_000) {
        const slice = text.slice(s, s + 10_000);
        expect(enc.count(slice)).toBe(tk.encode_ordinary(slice).length);
      }
    });
  });
});

describe('Encoder with a regex source pattern', () => {
  // cl100k's vocabulary, with a JavaScript regex source in place of its pattern.
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
      for (const text of TRICKY) {
        expectSameIds(enc.encodeOrdinary(text), tk.encode_ordinary(text));
        expect(enc.count(text)).toBe(tk.encode_ordinary(text).length);
      }
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

  it('uses a whole-piece token of Han characters that merges cannot reach (looked up only when uncut)', () => {
    // "的学" (256) has no two-token split. A Han piece is looked up whole only when it cannot be cut, and "的学"
    // cannot be (a token spans it); in "的学的" and "学的学" no merge applies.
    const enc = new Encoder({ pattern: 'gpt2', tokens: [...bytes, t('的学')], merges: [], specials: [] });
    expect(enc.encodeOrdinary('的学')).toEqual([256]);
    expect(enc.encodeOrdinary('的学的')).toEqual([...t('的学的')]);
    expect(enc.encodeOrdinary('学的学')).toEqual([...t('学的学')]);
    expect(enc.encodeBytes(t('的学'))).toEqual([256]);
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

describe('tiktokenEncoder', () => {
  const b64 = (bytes: number[]): string => Buffer.from(bytes).toString('base64');
  const singles = Array.from({ length: 256 }, (_, b) => `${b64([b])} ${b}`);

  it('reads plain rank lines in any order and the compact form alike', () => {
    const lines = [...singles, `${b64([97, 98])} 256`, `${b64([97, 98, 99])} 257`];
    const shuffled = [...lines].reverse().join('\r\n') + '\n\n';
    const compact = `! 0 ${lines.map((l) => l.split(' ')[0]).join(' ')}\n`;
    for (const text of [lines.join('\n'), shuffled, compact]) {
      const enc = tiktokenEncoder(text, { pattern: 'gpt2', specials: { '<|s|>': 300 } });
      expect(enc.encode('abc ab<|s|>', { allowedSpecial: 'all' })).toEqual([257, 32, 256, 300]);
      expect(enc.count('abc ab<|s|>')).toBe(8); // abc, ' ', ab, '<', '|', s, '|', '>'
      expect(enc.vocab.tokens[257]).toEqual(Uint8Array.of(97, 98, 99));
      expect(enc.nVocab).toBe(301);
    }
  });

  it('refuses gaps, duplicates, bad base64 and missing bytes', () => {
    const ok = singles.join('\n');
    expect(() => tiktokenEncoder(`${ok}\n${b64([97, 98])} 257`, { pattern: 'gpt2' })).toThrow(/rank 256 is missing/);
    expect(() => tiktokenEncoder(`${ok}\n${b64([97])} 256`, { pattern: 'gpt2' })).toThrow(
      /line 257: token YQ== \(rank 256\) already has a rank on line 98/,
    );
    expect(() => tiktokenEncoder(`${ok}\nYW*= 256`, { pattern: 'gpt2' })).toThrow(/line 257: invalid base64/);
    expect(() => tiktokenEncoder(`${ok}\nYR== 256`, { pattern: 'gpt2' })).toThrow(/non-canonical/);
    expect(() => tiktokenEncoder(`${ok}\nYWI= x`, { pattern: 'gpt2' })).toThrow(/not an integer/);
    expect(() =>
      tiktokenEncoder(
        singles
          .slice(1)
          .map((l, i) => `${l.split(' ')[0]} ${i}`)
          .join('\n'),
        { pattern: 'gpt2' },
      ),
    ).toThrow(/every single byte/);
    expect(() => tiktokenEncoder(ok, { pattern: 'gpt2', specials: { x: 3 } })).toThrow(/collides/);
  });
});

describe('byte helpers', () => {
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
