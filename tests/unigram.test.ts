/**
 * The Unigram engine (src/bpe/unigram): Viterbi against a brute-force best segmentation, lossless byte
 * fallback, the trainer's guarantees, the version 3 file, and parity with Rust `tokenizers` on the exported
 * tokenizer.json; when Debian's `spm_train` is installed, compression against SentencePiece's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportUnigramTokenizerJson } from '../src/bpe/formats/unigram-tokenizer-json.js';
import { parseUnigramModel, serializeUnigramModel } from '../src/bpe/formats/unigram-json.js';
import { UnigramEncoder } from '../src/bpe/unigram/unigram-encoder.js';
import { SPELLING_CHARACTERS, unknownScore, type UnigramModel } from '../src/bpe/unigram/unigram-model.js';
import { trainUnigram } from '../src/bpe/unigram/unigram-trainer.js';
import { unigramPasses } from '../src/jobs/unigram-passes.js';
import { validLengths } from '../src/bpe/unigram/piece-rules.js';
import { readCorpus, seedPieces } from '../src/bpe/unigram/seed-pieces.js';
import { Tokenizer } from '../src/bpe/tokenizer.js';
import { isValidPiece, referenceSeeds } from './oracles/unigram-seeds.js';
import { lcg } from './random.js';
import { HAVE_SHARED, needsShared, sharedTextHead } from './shared.js';

const SEED = 20_261_128;
const { Tokenizer: HfTokenizer } = createRequire(import.meta.url)('tokenizers');

/** A model over a small alphabet, scores as decimals of 6 places. */
const smallModel = fc
  .uniqueArray(fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '中', '😀'), minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 14,
  })
  .map((pieces) => pieces.filter((p) => p.indexOf(' ', 1) === -1))
  .chain((pieces) =>
    fc.tuple(
      fc.constant(pieces),
      fc.array(fc.integer({ min: -9_000_000, max: -1 }), { minLength: pieces.length, maxLength: pieces.length }),
    ),
  )
  .map(([pieces, s]): UnigramModel => ({ pieces, scores: s.map((x) => x / 1e6), specials: [] }));

/** Every segmentation of a word into pieces or single unknown characters (where no piece is that character). */
function bruteBest(model: UnigramModel, word: string): number {
  const chars = [...word];
  const unk = unknownScore(model);
  const index = new Map(model.pieces.map((p, i) => [p, i]));
  const best = (i: number): number => {
    if (i === chars.length) return 0;
    let b = -Infinity;
    let single = false;
    for (let j = i + 1; j <= chars.length; j++) {
      const id = index.get(chars.slice(i, j).join(''));
      if (id === undefined) continue;
      if (j === i + 1) single = true;
      b = Math.max(b, model.scores[id] + best(j));
    }
    if (!single) b = Math.max(b, unk + best(i + 1));
    return b;
  };
  return best(0);
}

function pathScore(model: UnigramModel, enc: UnigramEncoder, word: string): number {
  let score = 0;
  const ids = enc.encodeOrdinary(word);
  let bytes = 0;
  for (const id of ids) {
    if (id >= 256) score += model.scores[id - 256];
    else if ((id & 0xc0) !== 0x80) bytes++; // one unknown character per leading byte
  }
  return score + bytes * unknownScore(model);
}

describe('Viterbi', () => {
  it('finds a best segmentation: its score equals the brute-force maximum (fast-check)', () => {
    fc.assert(
      fc.property(smallModel, fc.string({ unit: fc.constantFrom('a', 'b', 'c', '中', '😀', 'z'), maxLength: 9 }), (model, word) => {
        const enc = new UnigramEncoder(model);
        expect(pathScore(model, enc, word)).toBeCloseTo(bruteBest(model, word), 9);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('gives the same ids as tokenizers on random small models and texts (fast-check)', async () => {
    const samples = fc.sample(
      fc.tuple(smallModel, fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '中', '😀', 'z', '\n'), maxLength: 20 })),
      { seed: SEED, numRuns: 150 },
    );
    for (const [model, text] of samples) {
      const full: UnigramModel = { ...model, pieces: [...model.pieces], scores: [...model.scores] };
      for (const c of SPELLING_CHARACTERS) {
        if (full.pieces.includes(c)) continue;
        full.pieces.push(c);
        full.scores.push(-12);
      }
      const hf = HfTokenizer.fromString(exportUnigramTokenizerJson(full));
      const theirs = (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
      expect(new UnigramEncoder(full).encodeOrdinary(text), JSON.stringify({ full, text })).toEqual(theirs);
    }
  });
});

describe('byte fallback', () => {
  const model: UnigramModel = { pieces: ['a', 'b', 'ab', ' ', ' a', '中'], scores: [-2, -2, -1, -3, -1.5, -2], specials: [] };
  const enc = new UnigramEncoder(model);

  it('decodes every text back to its UTF-8 (emoji, astral, unseen and lone surrogates) (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(Buffer.from(enc.decodeBytes(enc.encodeOrdinary(text))).toString()).toBe(Buffer.from(text).toString());
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('spells an unseen character as its UTF-8 bytes, ids 0-255', () => {
    expect(enc.encodeOrdinary('ab€ a😀')).toEqual([258, 0xe2, 0x82, 0xac, 260, 0xf0, 0x9f, 0x98, 0x80]);
  });

  it('reads special tokens only when allowed, through a Tokenizer', () => {
    const withSpecial = new UnigramEncoder({ ...model, specials: [{ text: '<|end|>', id: 262 }] });
    const tok = new Tokenizer('u', withSpecial);
    expect(tok.encode('ab<|end|>', { allowedSpecial: 'all' })).toEqual([258, 262]);
    expect(tok.encodeOrdinary('<|end|>')).not.toContain(262);
    expect(tok.decode(tok.encode('ab<|end|>a', { allowedSpecial: 'all' }))).toBe('ab<|end|>a');
  });
});

describe('seed pieces', () => {
  const random = lcg(SEED);
  /** Spaces alone, in pairs and at the ends; scripts that may not mix; Kana as Han; a combining mark; astral. */
  const UNITS = ['a', 'b', 'ab', 'c', ' ', ' ', '  ', '中', '文', 'あ', 'カ', 'ー', '1', '2', '\u0301', 'é', 'α', '😀', '\t', 'z'];
  const pick = <T>(a: readonly T[]): T => a[Math.floor(random() * a.length)];
  const sentence = () => Array.from({ length: 1 + Math.floor(random() * 24) }, () => pick(UNITS)).join('');

  /** Our seeds after the characters, with the weights their scores stand for, against the reference's. */
  function expectReferenceSeeds(sentences: string[], coverage: number, seedSize: number, maxLength: number): void {
    const corpus = readCorpus(sentences, coverage, '');
    const { pieces, scores } = seedPieces(corpus, seedSize, maxLength);
    const chars = [...corpus.required.values()].filter((n) => n > 0);
    const reference = referenceSeeds(sentences, corpus.required, maxLength).slice(0, seedSize);
    expect(pieces.slice(chars.length)).toEqual(reference.map(([piece]) => piece));
    const counts = [...chars.sort((a, b) => b - a), ...reference.map(([, weight]) => weight)];
    const logSum = Math.log(counts.reduce((a, b) => a + b, 0));
    expect(scores).toEqual(counts.map((n) => Math.log(n) - logSum));
  }

  it('are the valid pieces up to one length at each position', () => {
    const symbols = [0, 0xffff, ...new Set([...UNITS.join('')].map((ch) => ch.codePointAt(0)!))];
    for (let round = 0; round < 50; round++) {
      const text = Int32Array.from({ length: 40 }, () => Math.floor(random() * symbols.length));
      text[text.length - 1] = 0;
      const maxLength = 1 + Math.floor(random() * 8);
      const lengths = validLengths(text, symbols, maxLength);
      for (let p = 0; p < text.length; p++) {
        for (let k = 1; p + k <= text.length; k++) {
          const piece = Array.from(text.subarray(p, p + k), (x) => symbols[x]);
          expect(k <= lengths[p], `${JSON.stringify(String.fromCodePoint(...piece))} at ${p}`).toBe(isValidPiece(piece, maxLength));
        }
      }
    }
  });

  it('are SentencePiece’s, in its order, from the distinct words (random corpora)', () => {
    for (let round = 0; round < 40; round++) {
      const pool = Array.from({ length: 1 + Math.floor(random() * 12) }, sentence);
      const sentences = Array.from({ length: 1 + Math.floor(random() * 40) }, () => (random() < 0.5 ? pick(pool) : sentence()));
      const seedSize = random() < 0.3 ? Math.floor(random() * 20) : 1e6;
      expectReferenceSeeds(sentences, random() < 0.3 ? 0.9 : 1, seedSize, pick([2, 3, 5, 16]));
    }
  });

  it.skipIf(!HAVE_SHARED)(needsShared('are SentencePiece’s, in its order, on d2l text'), () => {
    const text = sharedTextHead('corpora/d2l-zh.txt', 150_000) + sharedTextHead('corpora/d2l-en.txt', 150_000);
    const sentences = text.split('\n').filter((l) => l.length > 0);
    expectReferenceSeeds(sentences, 0.9995, 1e6, 16);
    expectReferenceSeeds(sentences, 0.9995, 5000, 16);
  });
});

describe('the trainer', () => {
  const text = HAVE_SHARED ? sharedTextHead('corpora/d2l-zh.txt', 300_000) + sharedTextHead('corpora/d2l-en.txt', 300_000) : '';

  it.skipIf(!HAVE_SHARED)(
    needsShared('keeps every required character, reaches the size, and is the same with its passes in 2 worker threads'),
    async () => {
      const a = await trainUnigram(text, { vocabSize: 2000, characterCoverage: 1, specials: ['<|endoftext|>'] });
      expect(a.pieces.length + 256 + a.specials.length).toBe(2000);
      const pieces = new Set(a.pieces);
      for (const ch of new Set(text.replace(/\n/g, ''))) expect(pieces.has(ch), ch).toBe(true);
      for (const ch of SPELLING_CHARACTERS) expect(pieces.has(ch)).toBe(true);
      const threaded = { vocabSize: 2000, characterCoverage: 1, specials: ['<|endoftext|>'], startPasses: unigramPasses(2) };
      expect(await trainUnigram(text, threaded)).toEqual(a);
      const enc = new UnigramEncoder(a);
      const sample = text.slice(0, 20_000);
      expect(Buffer.from(enc.decodeBytes(enc.encodeOrdinary(sample))).toString()).toBe(sample);
      expect(Buffer.byteLength(sample) / enc.encodeOrdinary(sample).length).toBeGreaterThan(2);
    },
    120_000,
  );

  it('refuses a size below the bytes and the required characters, and honours cancel', async () => {
    await expect(trainUnigram('abc def', { vocabSize: 260 })).rejects.toThrow(/vocabulary size 260 is below/);
    await expect(trainUnigram('abc def', { vocabSize: 400, isCancelled: () => true })).rejects.toThrow(/cancelled/);
  });
});

describe('the version 3 file and tokenizer.json', () => {
  const model: UnigramModel = {
    pieces: [...SPELLING_CHARACTERS, ' a', 'ab'],
    scores: [...SPELLING_CHARACTERS].map(() => -5).concat(-2, -1),
    specials: [{ text: '<s>', id: 256 + SPELLING_CHARACTERS.length + 2 }],
  };

  it('round-trips, and refuses what is wrong', () => {
    expect(parseUnigramModel(serializeUnigramModel(model))).toEqual(model);
    const doc = JSON.parse(serializeUnigramModel(model));
    expect(() => parseUnigramModel(JSON.stringify({ ...doc, algorithm: 'bpe' }))).toThrow(/"algorithm" is "bpe"/);
    expect(() => parseUnigramModel(JSON.stringify({ ...doc, pieces: [['a b', -1]] }))).toThrow(/space after its start/);
    expect(() => parseUnigramModel(JSON.stringify({ ...doc, extra: 1 }))).toThrow(/unknown field "extra"/);
  });

  it('refuses to export what tokenizers would read differently', () => {
    expect(() => exportUnigramTokenizerJson({ ...model, pieces: ['▁a'], scores: [-1], specials: [] })).toThrow(/U\+2581/);
    expect(() => exportUnigramTokenizerJson({ pieces: ['a'], scores: [-1], specials: [] })).toThrow(/are not pieces/);
  });

  it.skipIf(!HAVE_SHARED)(
    needsShared('gives the ids tokenizers gives on d2l text with a trained model'),
    async () => {
      const train = sharedTextHead('corpora/d2l-zh.txt', 400_000) + sharedTextHead('corpora/d2l-en.txt', 400_000);
      const trained = await trainUnigram(train, { vocabSize: 4000 });
      const enc = new UnigramEncoder(trained);
      const hf = HfTokenizer.fromString(exportUnigramTokenizerJson(trained));
      for (const name of ['d2l-zh.txt', 'd2l-en.txt']) {
        const lines = readFileSync(join('..', 'shared', 'corpora', name), 'utf8')
          .split('\n')
          .slice(-3000);
        const text = lines.join('\n');
        const theirs = (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
        expect(enc.encodeOrdinary(text)).toEqual(theirs);
      }
    },
    120_000,
  );
});

const SPM = '/usr/bin/spm_train';
describe('against SentencePiece', () => {
  it.skipIf(!HAVE_SHARED || !existsSync(SPM))(
    `${needsShared('compresses held-out d2l text within 3% of spm_train --model_type=unigram at the same size')}${existsSync(SPM) ? '' : ' (skipped: spm_train is absent; apt-get install sentencepiece)'}`,
    async () => {
      const lines = (sharedTextHead('corpora/d2l-zh.txt', 600_000) + sharedTextHead('corpora/d2l-en.txt', 600_000)).split('\n');
      const train = lines.filter((_, i) => i % 10 !== 0);
      const held = lines.filter((l, i) => i % 10 === 0 && l.length > 0);
      const dir = mkdtempSync(join(tmpdir(), 'tokenlab-spm-'));
      writeFileSync(join(dir, 'train.txt'), train.join('\n') + '\n');
      writeFileSync(join(dir, 'held.txt'), held.join('\n') + '\n');
      execFileSync(SPM, [...spmArgs(join(dir, 'train.txt'), join(dir, 'm'), 4000)], { stdio: 'ignore' });
      const out = execFileSync(
        '/usr/bin/spm_encode',
        ['--model', join(dir, 'm.model'), '--output_format=id', '--input', join(dir, 'held.txt')],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 28,
        },
      );
      const spmTokens = out.split(/\s+/).filter((x) => x.length > 0).length;
      const enc = new UnigramEncoder(await trainUnigram(train, { vocabSize: 4000 }));
      const ours = held.reduce((n, l) => n + enc.encodeOrdinary(l).length, 0);
      expect(ours / spmTokens).toBeLessThan(1.03);
    },
    300_000,
  );
});

/** spm_train's options for the same model as ours: no normalization, no dummy prefix, byte fallback, no bos/eos. */
export function spmArgs(input: string, prefix: string, vocabSize: number): string[] {
  return [
    `--input=${input}`,
    `--model_prefix=${prefix}`,
    `--vocab_size=${vocabSize}`,
    '--model_type=unigram',
    '--normalization_rule_name=identity',
    '--add_dummy_prefix=false',
    '--remove_extra_whitespaces=false',
    '--byte_fallback=true',
    '--bos_id=-1',
    '--eos_id=-1',
    '--max_sentence_length=1000000',
    '--minloglevel=2',
  ];
}
