import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Tiktoken } from 'tiktoken';
import { Tokenizer } from 'tokenizers';
import { PATTERN_NAMES, type PatternName } from '../src/bpe/pretokenize/patterns.js';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import type { Vocabulary } from '../src/bpe/vocabulary.js';
import { Encoder } from '../src/bpe/encode/encoder.js';
import { parseVocabulary, serializeVocabulary } from '../src/bpe/formats/vocab-json.js';
import { exportTiktokenRanks, importTiktokenRanks, tiktokenPatStr, tiktokenSpecialTokens } from '../src/bpe/formats/tiktoken-ranks.js';
import { exportTokenizerJson, importTokenizerJson } from '../src/bpe/formats/tokenizer-json.js';
import { deriveMerges, finalSplits, hfMerges } from '../src/bpe/merges-from-ranks.js';
import { fromRustRegex, toRustRegex } from '../src/bpe/pretokenize/regex-dialects.js';
import { BYTE_TO_CHAR, byteLevelToBytes, bytesToByteLevel } from '../src/bpe/formats/byte-level.js';
import { toBase64, utf8Encode } from '../src/bpe/bytes.js';
import { HAVE_SHARED, needsShared, sharedPath } from './shared.js';
import { expectSameIds, expectSameText } from './compare.js';

const require = createRequire(import.meta.url);

/**
 * A vocabulary of the 256 bytes and `nMerges` learned tokens from tokenlab's trainer, without its training
 * record (the rank formats cannot carry it), and with two special tokens that leave a gap in the ids.
 */
function train(text: string, nMerges: number, pattern: PatternName = 'gpt2'): Vocabulary {
  const { training: _, ...vocab } = trainOnTexts([text], { pattern, vocabSize: 256 + nMerges });
  const n = vocab.tokens.length;
  return {
    ...vocab,
    specials: [
      { text: '<|endoftext|>', id: n },
      { text: '<|im_start|>', id: n + 2 },
    ],
  };
}

const SAMPLE = [
  '深度学习是机器学习的一个分支，它使用多层神经网络来学习数据的表示。',
  '我们先定义模型，然后定义损失函数和优化算法，最后训练模型。训练模型的时候，我们需要读取数据。',
  'Deep learning is a branch of machine learning. We define the model, the loss function and the optimizer, ',
  "then we train the model. It's easy: don't worry, we'll explain each step.\n\n",
  'def train(net, data, epochs=10):\n    for epoch in range(epochs):\n        loss = net(data)\n        loss.backward()\n',
  '    return net  # 返回训练好的模型\n\n$$\\hat{y} = \\mathbf{w}^\\top \\mathbf{x} + b$$\n',
].join('');

const PROBES = [
  SAMPLE,
  "I'M HERE, you're there; they'd've ſ'S 12345 ١٢٣ x\u0085y\u00a0z\u3000w\ufeffv",
  '  \n\n\t  lots   of\r\nwhitespace   \n',
  '汉字和かなと한글 Ελληνικά mixed123text_with_underscores',
  'emoji 👍🏽👨‍👩‍👧 and <|endoftext|> in the text<|im_start|>user',
  ' '.repeat(100) + '='.repeat(50) + '的'.repeat(40),
  "x \ufeff y a\rb\u2028c\u2029d it'ſ IT'S",
];

function encodeWithHf(tok: Tokenizer, text: string): Promise<number[]> {
  return tok.encode(text).then((e) => e.getIds());
}

describe('tokenlab-vocab JSON', () => {
  const vocab: Vocabulary = {
    ...train(SAMPLE, 150, 'cjk'),
    training: {
      corpora: [{ name: 'sample', bytes: utf8Encode(SAMPLE).length }],
      vocabSize: 999,
      minFrequency: 2,
      compat: 'none',
      threads: 1,
      seconds: 0.01,
      invalidUtf8: 0,
      cutPieces: 0,
      uniquePieces: 120,
      bytesPerToken: 2.5,
      startedAt: '2026-11-28T16:00:00.000Z',
    },
  };
  const n = vocab.tokens.length;

  it('round-trips every field, compact and pretty', () => {
    expect(vocab.tokens.length).toBeGreaterThan(330);
    expect(vocab.specials.map((x) => x.id)).toEqual([n, n + 2]);
    for (const pretty of [false, true]) {
      const text = serializeVocabulary(vocab, { pretty });
      const back = parseVocabulary(text);
      expect(back).toEqual(vocab);
      expect(back.tokens.length).toBe(vocab.tokens.length);
    }
    const doc = JSON.parse(serializeVocabulary(vocab));
    expect(doc.format).toBe('tokenlab-vocab');
    expect(doc.version).toBe(1);
    expect(doc.tokens[0x41]).toBe('QQ==');
  });

  it('round-trips a vocabulary with a regex source pattern and no training info', () => {
    const v: Vocabulary = { ...vocab, pattern: '\\p{L}+|\\s+|.', training: undefined };
    delete v.training;
    expect(parseVocabulary(serializeVocabulary(v))).toEqual(v);
  });

  const good = (): Record<string, unknown> => JSON.parse(serializeVocabulary(vocab));
  const bad = (edit: (d: Record<string, any>) => void): string => {
    const d = good();
    edit(d);
    return JSON.stringify(d);
  };
  it.each<[string, () => string, RegExp]>([
    ['not JSON', () => '{"format": ', /not JSON/],
    ['another format', () => bad((d) => (d.format = 'tiktoken')), /"format" is "tiktoken", expected "tokenlab-vocab"/],
    ['a newer version', () => bad((d) => (d.version = 4)), /version 4 is newer than this tokenlab reads \(1 to 3\)/],
    [
      'a version 3 file that holds a Unigram model',
      () => bad((d) => Object.assign(d, { version: 3, algorithm: 'unigram' })),
      /this file is a Unigram model \(version 3/,
    ],
    ['a version 3 file without its algorithm', () => bad((d) => (d.version = 3)), /"algorithm" is null, expected "superbpe"/],
    [
      'a version 2 file, which holds a Hugging Face pipeline',
      () => bad((d) => (d.version = 2)),
      /this file is a Hugging Face pipeline \(version 2, a tokenizer\.json with its own semantics\), not a byte-level vocabulary/,
    ],
    ['a version as a string', () => bad((d) => (d.version = '1')), /"version" is "1", expected 1/],
    ['missing tokens', () => bad((d) => delete d.tokens), /missing field "tokens"/],
    ['missing specials', () => bad((d) => delete d.specials), /missing field "specials"/],
    ['an unknown field', () => bad((d) => (d.tokenz = [])), /unknown field "tokenz"/],
    ['a bad base64 character', () => bad((d) => (d.tokens[300] = 'ab$=')), /tokens\[300\] "ab\$=": invalid base64 character/],
    ['a base64 length', () => bad((d) => (d.tokens[300] = 'abc')), /tokens\[300\] "abc": base64 length 3/],
    ['non-canonical base64', () => bad((d) => (d.tokens[300] = 'QR==')), /tokens\[300\] "QR==": non-canonical/],
    ['duplicate token bytes', () => bad((d) => (d.tokens[300] = d.tokens[299])), /tokens 299 and 300 have the same bytes/],
    ['an empty token', () => bad((d) => (d.tokens[300] = '')), /token 300 is empty/],
    ['a missing single byte', () => bad((d) => (d.tokens[0x41] = toBase64(utf8Encode('AAA')))), /missing 1 byte\(s\), first 0x41/],
    ['a merge with an unknown id', () => bad((d) => (d.merges[3] = [5, 99999])), /merge 3 \[5, 99999\] refers to 99999/],
    [
      'a merge whose concatenation is no token',
      () => bad((d) => (d.merges[3] = [0x7a, 0x7a])),
      /merge 3 \[122, 122\]: the concatenation of the two tokens is not a token/,
    ],
    ['a merge that is not a pair', () => bad((d) => (d.merges[3] = [1, 2, 3])), /merges\[3\] is not a pair of integer ids/],
    [
      'a special id colliding with an ordinary id',
      () => bad((d) => (d.specials[0].id = 300)),
      new RegExp(`special "<\\|endoftext\\|>" has id 300, which collides with the ordinary ids 0\\.\\.${n - 1}`),
    ],
    ['two specials with one text', () => bad((d) => (d.specials[1].text = '<|endoftext|>')), /special "<\|endoftext\|>" appears twice/],
    ['two specials with one id', () => bad((d) => (d.specials[1].id = d.specials[0].id)), new RegExp(`special id ${n} is used twice`)],
    ['a special without text', () => bad((d) => delete d.specials[0].text), /specials\[0\] must be \{"text": string, "id": integer\}/],
    [
      'a pattern that does not compile',
      () => bad((d) => (d.pattern = '(?i:x)')),
      /neither a known pattern name nor a valid JavaScript regex/,
    ],
    ['a malformed training block', () => bad((d) => (d.training.threads = 'two')), /training\.threads must be a number/],
    [
      'a training block without bytesPerToken',
      () => bad((d) => delete d.training.bytesPerToken),
      /training\.bytesPerToken must be a number/,
    ],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseVocabulary(text())).toThrow(message);
  });
});

describe('tiktoken rank files', () => {
  const vocab = train(SAMPLE, 150, 'cl100k');

  it('round-trips ordinary tokens; merges come back through deriveMerges', () => {
    const text = exportTiktokenRanks(vocab);
    expect(text.split('\n')[0x41]).toBe('QQ== 65');
    expect(text.endsWith('\n')).toBe(true);
    const back = importTiktokenRanks(text, { pattern: 'cl100k', specials: tiktokenSpecialTokens(vocab) });
    expect(back.tokens).toEqual(vocab.tokens);
    expect(back.specials).toEqual(vocab.specials);
    expect(back.pattern).toBe('cl100k');
    expect(back.merges).toEqual([]);
    const derived = deriveMerges(back);
    expect(derived.unreachable).toEqual([]);
    expect(derived.merges).toEqual(vocab.merges);
  });

  it("reads the compact '! offset' form the tiktoken package ships", () => {
    const enc = JSON.parse(readFileSync(require.resolve('tiktoken/encoders/cl100k_base.json'), 'utf8'));
    const v = importTiktokenRanks(enc.bpe_ranks, { pattern: 'cl100k', specials: enc.special_tokens });
    expect(v.tokens.length).toBe(100_256);
    expect(new TextDecoder().decode(v.tokens[1820])).toBe('the');
    expect(v.specials).toContainEqual({ text: '<|endoftext|>', id: 100_257 });
    const compact =
      '! 0 ' +
      exportTiktokenRanks(vocab)
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0])
        .join(' ');
    expect(importTiktokenRanks(compact, { pattern: 'gpt2' }).tokens).toEqual(vocab.tokens);
  });

  it('finds the merges of cl100k_base: every token is reachable, and the merge of "the" is th+e', () => {
    const enc = JSON.parse(readFileSync(require.resolve('tiktoken/encoders/cl100k_base.json'), 'utf8'));
    const v = importTiktokenRanks(enc.bpe_ranks, { pattern: 'cl100k' });
    const { merges, unreachable } = deriveMerges(v);
    expect(unreachable).toEqual([]);
    expect(merges.length).toBe(100_256 - 256);
    const s = (id: number): string => new TextDecoder().decode(v.tokens[id]);
    const the = merges.find(([a, b]) => s(a) + s(b) === 'the')!;
    expect([s(the[0]), s(the[1])]).toEqual(['th', 'e']);
  });

  const bytes = Array.from({ length: 256 }, (_, b) => `${toBase64(Uint8Array.of(b))} ${b}`);
  it.each<[string, string, RegExp]>([
    ['a rank that is not an integer', 'AA== x', /line 1: rank "x" is not an integer/],
    ['a negative rank', 'AA== -1', /line 1: rank "-1" is not an integer/],
    ['a fractional rank', 'AA== 1.5', /line 1: rank "1.5" is not an integer/],
    ['a line without a rank', 'AA==', /line 1: expected "<base64 token> <rank>", got 1 field/],
    ['a line with three fields', 'AA== 0 x', /line 1: expected "<base64 token> <rank>", got 3 field/],
    ['a rank given twice', 'AA== 0\nAQ== 0', /line 2: rank 0 already given on line 1/],
    ['a token given twice', 'AA== 0\r\n\r\nAA== 1', /line 3: token AA== \(rank 1\) already has a rank on line 1/],
    ['bad base64', 'AA== 0\nAQ== 1\nA?== 2', /line 3: invalid base64 character "\?"/],
    ['an empty token', ' 0', /line 1: empty token/],
    ['a gap between ranks', [...bytes, 'YWI= 257'].join('\n'), /rank 256 is missing; ranks must be dense from 0/],
    ['a missing single byte', bytes.slice(0, 255).join('\n'), /every single byte.*first 0xff/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => importTiktokenRanks(text, { pattern: 'gpt2' })).toThrow(message);
  });

  it('refuses an import without a pattern, or with one that does not compile', () => {
    expect(() => importTiktokenRanks(bytes.join('\n'), {} as { pattern: string })).toThrow(/must give a pattern/);
    expect(() => importTiktokenRanks(bytes.join('\n'), { pattern: '[' })).toThrow(/valid JavaScript regex/);
  });

  it('loads in tiktoken and gives the same ids as tokenlab, specials included', () => {
    for (const pattern of PATTERN_NAMES) {
      const v = { ...vocab, pattern };
      const tk = new Tiktoken(exportTiktokenRanks(v), tiktokenSpecialTokens(v), tiktokenPatStr(pattern));
      try {
        const enc = new Encoder(v);
        for (const text of PROBES) {
          expectSameIds(enc.encodeOrdinary(text), tk.encode_ordinary(text));
          expectSameIds(enc.encode(text, { allowedSpecial: 'all' }), tk.encode(text, 'all'));
        }
      } finally {
        tk.free();
      }
    }
  });
});

describe('tokenizer.json', () => {
  const vocab = train(SAMPLE, 150, 'cjk');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokenlab-hf-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has the byte-level alphabet of GPT-2', () => {
    expect(BYTE_TO_CHAR[0x20]).toBe('Ġ');
    expect(BYTE_TO_CHAR[0x0a]).toBe('Ċ');
    expect(BYTE_TO_CHAR[0x41]).toBe('A');
    expect(BYTE_TO_CHAR[0xad]).toBe('Ń');
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
    expect(bytesToByteLevel(utf8Encode(' 中'))).toBe('Ġä¸Ń');
    expect(byteLevelToBytes('Ġä¸Ń')).toEqual(utf8Encode(' 中'));
    expect(byteLevelToBytes('▁the')).toBeUndefined();
  });

  const n = vocab.tokens.length;
  it('writes the documented structure', () => {
    const j = JSON.parse(exportTokenizerJson(vocab));
    expect(j.model.type).toBe('BPE');
    expect(j.model.ignore_merges).toBe(true);
    expect(j.model.vocab['Ġ']).toBe(32);
    expect(Array.isArray(j.model.merges[0])).toBe(true);
    expect(j.pre_tokenizer.pretokenizers.map((p: { type: string }) => p.type)).toEqual(['Split', 'ByteLevel']);
    expect(j.pre_tokenizer.pretokenizers[0].pattern.Regex).toBe(toRustRegex('cjk'));
    expect(j.pre_tokenizer.pretokenizers[1].use_regex).toBe(false);
    expect(j.decoder.type).toBe('ByteLevel');
    expect(j.added_tokens).toEqual([
      { id: n, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: n + 2, content: '<|im_start|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ]);
    expect(j.model.vocab['<|im_start|>']).toBe(n + 2);
  });

  it('round-trips through tokenlab: tokens, specials and pattern; the merges are those written', () => {
    for (const pattern of PATTERN_NAMES) {
      const v = { ...vocab, pattern };
      const back = importTokenizerJson(exportTokenizerJson(v, { pretty: true }));
      expect(back.pattern).toBe(pattern);
      expect(back.tokens).toEqual(v.tokens);
      expect(back.specials).toEqual(v.specials);
      expect(back.merges).toEqual(hfMerges(v));
      // The learned merges are all there, each as the first merge of its token.
      const firstFor = new Map<string, [number, number]>();
      for (const m of back.merges) {
        const key = bytesToByteLevel(v.tokens[m[0]]) + bytesToByteLevel(v.tokens[m[1]]);
        if (!firstFor.has(key)) firstFor.set(key, m);
      }
      for (const [a, b] of v.merges) {
        expect(firstFor.get(bytesToByteLevel(v.tokens[a]) + bytesToByteLevel(v.tokens[b]))).toEqual([a, b]);
      }
    }
  });

  it('lists for each token its final split first, then its other splits', () => {
    // ids 256 "bc", 257 "ab", 258 "abc": tiktoken reaches "abc" as a+bc (bc has the lower rank).
    const t = (s: string): Uint8Array => utf8Encode(s);
    const v: Vocabulary = {
      pattern: 'gpt2',
      tokens: [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), t('bc'), t('ab'), t('abc')],
      merges: [
        [98, 99],
        [97, 98],
        [257, 99],
      ],
      specials: [],
    };
    expect(finalSplits(v).slice(256)).toEqual([
      [98, 99],
      [97, 98],
      [97, 256],
    ]);
    expect(hfMerges(v)).toEqual([
      [98, 99],
      [97, 98],
      [97, 256],
      [257, 99],
    ]);
    expect(hfMerges(v, { allSplits: false })).toEqual([
      [98, 99],
      [97, 98],
      [97, 256],
    ]);
  });

  it('makes tokenizers agree with tiktoken where the learned merges would not', async () => {
    // "abc" was learned as ab+c, but in "abcd" BPE meets bc first (lower rank), then a+bc. "xyz" has no
    // merge at all: only a piece "xyz" is that token.
    const t = (s: string): Uint8Array => utf8Encode(s);
    const v: Vocabulary = {
      pattern: 'gpt2',
      tokens: [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), t('bc'), t('ab'), t('abc'), t('xyz')],
      merges: [
        [98, 99],
        [97, 98],
        [257, 99],
      ],
      specials: [],
    };
    const text = 'abcd xabc abc xyz';
    const ours = new Encoder(v).encodeOrdinary(text);
    expect(ours).toEqual([258, 100, 32, 120, 258, 32, 258, 32, 120, 121, 122]);
    expect(new Encoder(v).encodeOrdinary('xyz')).toEqual([259]);
    expect(await encodeWithHf(Tokenizer.fromString(exportTokenizerJson(v)), 'xyz')).toEqual([259]);
    const tk = new Tiktoken(exportTiktokenRanks(v), {}, tiktokenPatStr('gpt2'));
    expect([...tk.encode_ordinary(text)]).toEqual(ours);
    tk.free();
    const exported = Tokenizer.fromString(exportTokenizerJson(v));
    expect(await encodeWithHf(exported, text)).toEqual(ours);
    // The same file with the learned merges instead: tokenizers stops at [a, bc, d].
    const j = JSON.parse(exportTokenizerJson(v));
    const s = v.tokens.map(bytesToByteLevel);
    j.model.merges = v.merges.map(([a, b]) => [s[a], s[b]]);
    const learned = Tokenizer.fromString(JSON.stringify(j));
    expect((await encodeWithHf(learned, text)).slice(0, 3)).toEqual([97, 256, 100]);
  });

  it('loads in tokenizers (from a file) and gives the same ids as tokenlab, specials included', async () => {
    for (const pattern of PATTERN_NAMES) {
      const v = { ...vocab, pattern };
      const path = join(dir, `${pattern}.json`);
      writeFileSync(path, exportTokenizerJson(v));
      const tok = Tokenizer.fromFile(path);
      const enc = new Encoder(v);
      for (const text of PROBES) {
        // tokenizers always splits out added tokens: compare with all specials allowed.
        const ids = enc.encode(text, { allowedSpecial: 'all' });
        expectSameIds(await encodeWithHf(tok, text), ids, `${pattern}: ${JSON.stringify(text.slice(0, 40))}`);
        expect(await tok.decode(ids, false)).toBe(text);
      }
    }
  });

  it('exports cl100k_base so that tokenizers gives tiktoken ids', async () => {
    const enc0 = JSON.parse(readFileSync(require.resolve('tiktoken/encoders/cl100k_base.json'), 'utf8'));
    const v = importTiktokenRanks(enc0.bpe_ranks, { pattern: 'cl100k', specials: enc0.special_tokens });
    const tok = Tokenizer.fromString(exportTokenizerJson(v));
    const tk = new Tiktoken(enc0.bpe_ranks, enc0.special_tokens, enc0.pat_str);
    try {
      const texts = [
        ...PROBES,
        Array.from({ length: 64 }, (_, n) => ' '.repeat(n) + 'x' + '\n'.repeat(n % 7) + '-'.repeat(n)).join(''),
        Array.from({ length: 3000 }, (_, i) => 'abcde fgh '[(i * 7919) % 10]).join(''),
      ];
      for (const text of texts) {
        expectSameIds(await encodeWithHf(tok, text), tk.encode(text, 'all'));
      }
    } finally {
      tk.free();
    }
  });

  it('reads a GPT-2 style file: ByteLevel pre-tokenizer alone, "a b" merges, the special also in the vocab', () => {
    const strs = vocab.tokens.map(bytesToByteLevel);
    const vocabObj: Record<string, number> = Object.fromEntries(strs.map((s, id) => [s, id]));
    vocabObj['<|endoftext|>'] = strs.length;
    const file = {
      version: '1.0',
      added_tokens: [{ id: strs.length, content: '<|endoftext|>', special: true }],
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: '',
        end_of_word_suffix: '',
        fuse_unk: false,
        vocab: vocabObj,
        merges: vocab.merges.map(([a, b]) => `${strs[a]} ${strs[b]}`),
      },
    };
    const v = importTokenizerJson(JSON.stringify(file));
    expect(v.pattern).toBe('gpt2');
    expect(v.tokens).toEqual(vocab.tokens);
    expect(v.merges).toEqual(vocab.merges);
    expect(v.specials).toEqual([{ text: '<|endoftext|>', id: strs.length }]);
  });

  const exported = (): Record<string, any> => JSON.parse(exportTokenizerJson(vocab));
  const edit = (f: (j: Record<string, any>) => void): string => {
    const j = exported();
    f(j);
    return JSON.stringify(j);
  };
  it.each<[string, () => string, RegExp]>([
    ['not JSON', () => '{', /tokenizer\.json is not JSON/],
    ['no model', () => edit((j) => delete j.model), /no "model" object/],
    [
      'a WordPiece model',
      () => edit((j) => (j.model = { type: 'WordPiece', vocab: {} })),
      /unsupported model type "WordPiece"; tokenlab reads byte-level BPE only/,
    ],
    ['a Unigram model', () => edit((j) => (j.model = { type: 'Unigram', vocab: [] })), /unsupported model type "Unigram"/],
    [
      'a BPE with a subword prefix',
      () => edit((j) => (j.model.continuing_subword_prefix = '##')),
      /continuing_subword_prefix "##" is not byte-level BPE/,
    ],
    [
      'a BPE with a word suffix',
      () => edit((j) => (j.model.end_of_word_suffix = '</w>')),
      /end_of_word_suffix "<\/w>" is not byte-level BPE/,
    ],
    ['a BPE with byte fallback', () => edit((j) => (j.model.byte_fallback = true)), /byte_fallback \(SentencePiece style\)/],
    [
      'a vocab that is not byte-level',
      () =>
        edit((j) => {
          delete j.model.vocab[bytesToByteLevel(vocab.tokens[300])];
          j.model.vocab['▁the'] = 300;
        }),
      /"▁the" \(id 300\) is not a byte-level string: not byte-level BPE/,
    ],
    [
      'a gap in the ids',
      () => edit((j) => delete j.model.vocab[bytesToByteLevel(vocab.tokens[300])]),
      /ids must be dense from 0; id 300 is missing/,
    ],
    ['two entries with one id', () => edit((j) => (j.model.vocab['zzzzqqq'] = 300)), /share id 300/],
    [
      'a merge of an unknown token',
      () => edit((j) => (j.model.merges[0] = ['zzz', 'Ġ'])),
      /merges\[0\] \["zzz","Ġ"\] names "zzz", which is not in the vocab/,
    ],
    ['a merge that is not a pair', () => edit((j) => (j.model.merges[0] = 'a b c')), /merges\[0\] "a b c" is not a pair of tokens/],
    ['a normalizer', () => edit((j) => (j.normalizer = { type: 'NFC' })), /normalizer NFC is not supported/],
    [
      'a whitespace pre-tokenizer',
      () => edit((j) => (j.pre_tokenizer = { type: 'Whitespace' })),
      /unsupported pre_tokenizer \(Whitespace\)/,
    ],
    ['no pre-tokenizer', () => edit((j) => (j.pre_tokenizer = null)), /unsupported pre_tokenizer \(none: not byte-level\)/],
    ['a prefix space', () => edit((j) => (j.pre_tokenizer.pretokenizers[1].add_prefix_space = true)), /add_prefix_space adds a space/],
    [
      'a Split that removes matches',
      () => edit((j) => (j.pre_tokenizer.pretokenizers[0].behavior = 'Removed')),
      /Split behavior Removed, not Isolated/,
    ],
    ['a Metaspace decoder', () => edit((j) => (j.decoder = { type: 'Metaspace' })), /decoder Metaspace is not ByteLevel/],
    [
      'a missing byte',
      () =>
        edit((j) => {
          const v: Record<string, number> = {};
          for (let b = 0; b < 255; b++) v[BYTE_TO_CHAR[b]] = b;
          j.model.vocab = v;
          j.model.merges = [];
          j.added_tokens = [];
        }),
      /every single byte.*first 0xff/,
    ],
    [
      'a regex JavaScript cannot express',
      () => edit((j) => (j.pre_tokenizer.pretokenizers[0].pattern.Regex = '\\p{L}++|\\s')),
      /possessive quantifier has no JavaScript equivalent/,
    ],
  ])('refuses %s', (_what, text, message) => {
    expect(() => importTokenizerJson(text())).toThrow(message);
  });
});

describe('regex dialects', () => {
  it('spells the named patterns as upstream does and reads them back as names', () => {
    const enc = (n: string): string => JSON.parse(readFileSync(require.resolve(`tiktoken/encoders/${n}.json`), 'utf8')).pat_str;
    expect(toRustRegex('cl100k')).toBe(enc('cl100k_base'));
    expect(toRustRegex('o200k')).toBe(enc('o200k_base'));
    expect(toRustRegex('gpt2')).toBe(enc('gpt2'));
    expect(toRustRegex('cjk')).not.toContain('Script=');
    for (const name of PATTERN_NAMES) expect(fromRustRegex(toRustRegex(name))).toBe(name);
  });

  it.each([
    ['a JavaScript-only class spelling', '\\s+|\\d+|\\w+|.|\\n'],
    ['dot runs', '.+|[\\n\\r\\u2028\\u2029]'],
    ['anchors and scripts', '^\\s+|\\s+$|\\p{Script=Greek}+|\\p{sc=Han}+|\\S|\\s'],
    ['code point escapes', '[\\u4e00-\\u9fff]+|[^\\u4e00-\\u9fff\\x20]+|\\u{20}+'],
  ])('exports %s so that tokenizers splits as tokenlab does', async (_what, source) => {
    const v = { ...train(SAMPLE, 50), pattern: source };
    const tok = Tokenizer.fromString(exportTokenizerJson(v));
    const enc = new Encoder(v);
    for (const text of PROBES) {
      const theirs = tok
        .getPreTokenizer()!
        .preTokenizeString(text)
        .map(([p]) => p);
      expect(theirs).toEqual(enc.pieces(text).map((p) => bytesToByteLevel(utf8Encode(p))));
      expectSameIds(await encodeWithHf(tok, text), enc.encode(text, { allowedSpecial: 'all' }));
    }
    expect(importTokenizerJson(exportTokenizerJson(v)).pattern).toBe(fromRustRegex(toRustRegex(source)));
  });

  it.each([
    ['Oniguruma \\s \\d \\w and dot', '\\s+|\\d+|\\w+|.|\\n'],
    ['case-insensitive alternatives and scripts', "(?i:'s|'t|the)|\\p{Han}+|\\p{Hiragana}+|[^\\s\\p{L}]+|\\s+|\\p{L}+"],
    ['line anchors', '^\\s+|\\s+$|\\S+|\\s'],
    ['dot runs', '.+|\\n'],
    ['\\x{...} escapes and \\A', '\\A.|[\\x{4E00}-\\x{9FFF}]+|[^\\x{4E00}-\\x{9FFF}]'],
  ])('imports %s so that tokenlab splits as tokenizers does', async (_what, regex) => {
    const j = JSON.parse(exportTokenizerJson(train(SAMPLE, 50)));
    j.pre_tokenizer.pretokenizers[0].pattern.Regex = regex;
    const text = JSON.stringify(j);
    const v = importTokenizerJson(text);
    expect(() => new RegExp(v.pattern, 'gu')).not.toThrow();
    const tok = Tokenizer.fromString(text);
    const enc = new Encoder(v);
    for (const probe of PROBES) {
      const theirs = tok
        .getPreTokenizer()!
        .preTokenizeString(probe)
        .map(([p]) => p);
      expect(theirs).toEqual(enc.pieces(probe).map((p) => bytesToByteLevel(utf8Encode(p))));
    }
  });

  it.each([
    ['a possessive quantifier', 'a++', /possessive/],
    ['an atomic group', '(?>ab)', /the group \(\?>/],
    ['a word boundary', '\\bword', /the escape \\b/],
    ['a nested class', '[[:alpha:]]', /nested class/],
    ['a class in a case-insensitive group', '(?i:[a-z]+)', /a class inside \(\?i:/],
    ['an unknown property', '\\p{NotAProperty}', /the property \\p\{NotAProperty\}/],
  ])('refuses to import %s', (_what, regex, message) => {
    expect(() => fromRustRegex(regex)).toThrow(message);
  });

  it('refuses to export JavaScript constructs with no equivalent', () => {
    expect(() => toRustRegex('\\bx')).toThrow(/ASCII word boundary/);
    expect(() => toRustRegex('\\p{Script_Extensions=Han}')).toThrow(/script extensions/);
  });
});

describe.skipIf(!HAVE_SHARED)(needsShared('a vocabulary trained on d2l'), () => {
  let vocab: Vocabulary;
  let zh: string;
  let en: string;
  let dir: string;
  beforeAll(() => {
    const zhAll = readFileSync(sharedPath('corpora', 'd2l-zh.txt'), 'utf8');
    const enAll = readFileSync(sharedPath('corpora', 'd2l-en.txt'), 'utf8');
    vocab = train(zhAll.slice(0, 200_000), 2000);
    // Slices the vocabulary was not trained on.
    zh = zhAll.slice(2_000_000, 2_300_000);
    en = enAll.slice(1_000_000, 1_300_000);
    dir = mkdtempSync(join(tmpdir(), 'tokenlab-d2l-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is realistic: 2000 merges, partial-character tokens for Chinese', () => {
    expect(vocab.merges.length).toBe(2000);
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const partial = vocab.tokens.slice(256).filter((t) => {
      try {
        fatal.decode(t);
        return false;
      } catch {
        return t.some((b) => b >= 0xe0);
      }
    });
    expect(partial.length).toBeGreaterThan(50);
    const words = vocab.tokens.slice(256).map((t) => new TextDecoder().decode(t));
    expect(words).toContain('的');
    expect(words).toContain(' the');
  });

  it('round-trips through all three formats', () => {
    expect(parseVocabulary(serializeVocabulary(vocab))).toEqual(vocab);
    const fromRanks = importTiktokenRanks(exportTiktokenRanks(vocab), { pattern: 'gpt2', specials: vocab.specials });
    expect({ ...fromRanks, merges: deriveMerges(fromRanks).merges }).toEqual(vocab);
    const fromHf = importTokenizerJson(exportTokenizerJson(vocab));
    expect({ ...fromHf, merges: vocab.merges }).toEqual(vocab);
  });

  it('has merges recoverable from its ranks: learned = derived = final splits', () => {
    expect(deriveMerges(vocab)).toEqual({ merges: vocab.merges, unreachable: [] });
    expect(finalSplits(vocab).slice(256)).toEqual(vocab.merges);
  });

  it.each(PATTERN_NAMES.map((p) => [p]))('with pattern %s: tiktoken gives the same ids on 300 kB zh and en', (pattern) => {
    const v = { ...vocab, pattern };
    const enc = new Encoder(v);
    const tk = new Tiktoken(exportTiktokenRanks(v), tiktokenSpecialTokens(v), tiktokenPatStr(pattern));
    try {
      for (const text of [zh, en]) {
        const ids = enc.encodeOrdinary(text);
        expectSameIds(ids, tk.encode_ordinary(text));
        expectSameText(enc.decode(ids), text);
      }
    } finally {
      tk.free();
    }
  });

  it.each(PATTERN_NAMES.map((p) => [p]))('with pattern %s: tokenizers gives the same ids on 300 kB zh and en', async (pattern) => {
    const v = { ...vocab, pattern };
    const path = join(dir, `${pattern}.json`);
    writeFileSync(path, exportTokenizerJson(v));
    const tok = Tokenizer.fromFile(path);
    const enc = new Encoder(v);
    for (const text of [zh, en]) {
      const ids = enc.encodeOrdinary(text);
      expectSameIds(await encodeWithHf(tok, text), ids);
    }
  });

  it('gives tokenizers the same ids with only the final splits as merges', async () => {
    const tok = Tokenizer.fromString(exportTokenizerJson(vocab, { merges: { allSplits: false } }));
    const enc = new Encoder(vocab);
    for (const text of [zh, en]) expectSameIds(await encodeWithHf(tok, text), enc.encodeOrdinary(text));
  });
});
