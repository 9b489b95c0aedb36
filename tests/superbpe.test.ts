import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toWellFormed } from '../src/bpe/bytes.js';
import { applyOrderedMerges, OrderedMerges } from '../src/bpe/encode/ordered-merges.js';
import { MergeScratch } from '../src/bpe/hf/merge-word.js';
import { SuperBpeEncoder } from '../src/bpe/encode/superbpe-encoder.js';
import { MAX_UNITS, SuperwordCache } from '../src/bpe/encode/superword-cache.js';
import { exportTokenizerJson, SUPERBPE_NOT_EXPORTABLE } from '../src/bpe/formats/tokenizer-json.js';
import { parseVocabulary, serializeVocabulary } from '../src/bpe/formats/vocab-json.js';
import { SUPERWORD_PATTERN, superwordPieces } from '../src/bpe/pretokenize/superword-pieces.js';
import { spansWhitespace, wordCount } from '../src/bpe/superword.js';
import { TrainingCancelled } from '../src/bpe/train/merge-loop.js';
import { cutByUtf8Length } from '../src/bpe/train/piece-counter.js';
import { defaultTransition, trainSuperBpeOnTexts } from '../src/bpe/train/superbpe-trainer.js';
import { SuperwordCounter } from '../src/bpe/train/superword-counter.js';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import { lcg } from './random.js';
import { referenceOrderedMerges, referenceSuperBpeEncode, referenceSuperwordPieces } from './oracles/superbpe-reference.js';
import { HAVE_SHARED, needsShared, sharedTextHead } from './shared.js';

const SEED = 2025;
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Sentences of common phrases, so stage 2 has superwords to learn; digits, colons and code-ish lines too. */
function phraseCorpus(seed: number, lines: number): string[] {
  const rand = lcg(seed);
  const phrases = ['by the way', 'of the', 'in the', 'it is', "he 's", 'as well as', '深度学习', '我们的', 'x = 1', 'on the other hand'];
  const words = ['model', 'data', 'we', 'train', 'loss', 'a', 'tensor', '模型', '数据', 'grad', '(x)', '...', 'end.'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const parts: string[] = [];
    const n = 3 + Math.floor(rand() * 12);
    for (let k = 0; k < n; k++) {
      const r = rand();
      parts.push(
        r < 0.45
          ? phrases[Math.floor(rand() * phrases.length)]
          : r < 0.9
            ? words[Math.floor(rand() * words.length)]
            : String(Math.floor(rand() * 100000)),
      );
    }
    out.push(parts.join(rand() < 0.1 ? ', ' : ' ') + (rand() < 0.2 ? ':\n' : rand() < 0.1 ? '  \n' : '\n'));
  }
  return out;
}

const corpus = phraseCorpus(SEED, 3000);
const vocab = trainSuperBpeOnTexts(corpus, { pattern: 'gpt2', vocabSize: 700, transition: 500 });
const encoder = new SuperBpeEncoder(vocab);

describe('superword pieces', () => {
  it('keep the boundaries: line ends, digit groups from the right, punctuation runs, trailing spaces, colons', () => {
    expect(superwordPieces('By the way, 12345 apples:\nyes')).toEqual(['By the way, ', '12', '345', ' apples', ':', '\n', 'yes']);
    expect(superwordPieces('a  b...\n\nc \n')).toEqual(['a', ' ', ' b', '...\n', '\n', 'c', ' ', '\n']);
  });

  it('the scanner finds what the regex finds, line by line (random text of every class)', () => {
    const unit = fc.constantFrom(
      'a',
      'Z',
      'é',
      '中',
      '1',
      '٣',
      ' ',
      '  ',
      '\n',
      '\r\n',
      '.',
      ',',
      ':',
      '/',
      '!?',
      '\t',
      '😀',
      '\u0301',
      '\u00a0',
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (t) => {
        expect(superwordPieces(t)).toEqual(referenceSuperwordPieces(t, SUPERWORD_PATTERN));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('SuperwordCounter', () => {
  /** What the counter must give: a Map of the pieces (cut to maxBytes), in order of first sight. */
  function mapCount(texts: string[], maxBytes: number): { counts: Array<[string, number]>; cut: number } {
    const counts = new Map<string, number>();
    let cut = 0;
    for (const t of texts) {
      for (const piece of superwordPieces(t)) {
        const parts = cutByUtf8Length(piece, maxBytes);
        if (parts.length > 1) cut++;
        for (const p of parts) counts.set(p, (counts.get(p) ?? 0) + 1);
      }
    }
    return { counts: [...counts], cut };
  }

  function counted(texts: string[], maxBytes: number): { counts: Array<[string, number]>; cut: number } {
    const counter = new SuperwordCounter(SUPERWORD_PATTERN, maxBytes);
    for (const t of texts) counter.add(t);
    const c = counter.result();
    return { counts: c.pieces.map((p, i) => [p, c.counts[i]] as [string, number]), cut: counter.cutPieces };
  }

  it('counts as a Map of the pieces does, lone surrogates and cut pieces included', () => {
    const unit = fc.constantFrom('by', ' the', ' ', '\n', '12345', '..', ':', '深度', '\ud800', '\udc00', '😀', 'é');
    fc.assert(
      fc.property(fc.array(fc.string({ unit, maxLength: 30 }), { maxLength: 5 }), fc.constantFrom(12, 8192), (texts, maxBytes) => {
        expect(counted(texts, maxBytes)).toEqual(mapCount(texts, maxBytes));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('grows past its first table and key store (50,000 distinct long lines)', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `${i.toString(36).replace(/\d/g, 'q')} ${'x'.repeat(20)}\n`);
    const texts = [lines.join(''), lines.slice(0, 1000).join('')];
    expect(counted(texts, 8192)).toEqual(mapCount(texts, 8192));
  });
});

describe('ordered merges', () => {
  it('equal the merges applied one pass each, in order (random sequences, repeated pairs, reused results)', () => {
    const rand = lcg(SEED);
    for (let trial = 0; trial < 3000; trial++) {
      const alphabet = 3 + Math.floor(rand() * 4);
      const merges: Array<[number, number, number]> = [];
      let next = alphabet;
      for (let r = 0; r < 1 + Math.floor(rand() * 8); r++) {
        const a = Math.floor(rand() * next);
        const b = Math.floor(rand() * next);
        const t = rand() < 0.2 && next > alphabet ? alphabet + Math.floor(rand() * (next - alphabet)) : next++;
        merges.push([a, b, t]);
      }
      if (rand() < 0.3) merges.push(merges[Math.floor(rand() * merges.length)]); // a pair merged twice
      const ids = Array.from({ length: Math.floor(rand() * 14) }, () => Math.floor(rand() * alphabet));
      const table = new OrderedMerges(
        merges.map(([a, b]) => [a, b] as const),
        merges.map((m) => m[2]),
      );
      const got = Int32Array.from(ids);
      const n = applyOrderedMerges(table, got, ids.length, new MergeScratch());
      expect([...got.subarray(0, n)], JSON.stringify({ ids, merges })).toEqual(referenceOrderedMerges(ids, merges));
    }
  });
});

describe('SuperBpeEncoder', () => {
  it('equals the slow reference of the training-time process on random texts of the corpus alphabet', () => {
    const unit = fc.constantFrom(
      'by',
      ' the',
      ' way',
      ' of',
      ' in',
      ' it',
      ' is',
      "'s",
      ' ',
      ',',
      ':',
      '\n',
      '1',
      '23',
      '深度',
      '学习',
      '我们',
      'x',
      ' =',
      '...',
      '(',
      ')',
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (t) => {
        expect(encoder.encodeOrdinary(t)).toEqual(referenceSuperBpeEncode(vocab, t));
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('equals the reference on the training corpus, and its tokens there are the training segmentation', () => {
    const all = corpus.join('');
    const ids = encoder.encodeOrdinary(all);
    expect(ids).toEqual(referenceSuperBpeEncode(vocab, all));
    expect(utf8(all).length / ids.length).toBeCloseTo(vocab.training!.bytesPerToken, 9);
  });

  it('round-trips random Unicode losslessly (lone surrogates become U+FFFD)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.string({ unit: fc.constantFrom('\ud800', 'by the way', ' 12', ':'), maxLength: 5 }),
        (a, b) => {
          const t = a + b + a;
          expect(text(encoder.decodeBytes(encoder.encodeOrdinary(t)))).toBe(toWellFormed(t));
          expect(encoder.count(t)).toBe(encoder.encodeOrdinary(t).length);
        },
      ),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('gives the uncached ids with its piece cache, of any size, on texts that repeat pieces', () => {
    const uncached = new SuperBpeEncoder(vocab, { cacheSize: 0 });
    const caches = [1, 3, 64].map((cacheSize) => new SuperBpeEncoder(vocab, { cacheSize }));
    // Pieces up to and past MAX_UNITS code units, and pieces of more than MAX_UNITS tokens (unmerged Han bytes).
    const unit = fc.constantFrom(
      'by the way',
      ' of the',
      ' in',
      ', ',
      '\n',
      ' 12',
      ':',
      '深度学习',
      '龘',
      'x'.repeat(MAX_UNITS - 1),
      ' '.repeat(3),
    );
    fc.assert(
      fc.property(fc.array(fc.string({ unit, maxLength: 12 }), { minLength: 1, maxLength: 6 }), (parts) => {
        const t = parts.join('') + parts[0];
        const want = uncached.encodeOrdinary(t);
        for (const e of [...caches, encoder]) {
          expect(e.encodeOrdinary(t)).toEqual(want);
          expect(e.encodeOrdinary(t)).toEqual(want); // again, now from the cache
          expect(e.count(t)).toBe(want.length);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
    const han = '龘'.repeat(MAX_UNITS); // one piece of MAX_UNITS units and 3 * MAX_UNITS byte tokens: not cached
    expect(caches[0].encodeOrdinary(han + han)).toEqual(uncached.encodeOrdinary(han + han));
  });

  it('keeps a bounded piece cache that checks the whole key on a hit', () => {
    const cache = new SuperwordCache(5000);
    expect(cache.slots).toBe(4096);
    const one = new SuperwordCache(1); // every piece in the one slot: hits only on the same code units
    const ids = Int32Array.of(7, 8);
    const text = 'ab ba ab abc';
    expect(one.find(text, 0, 2)).toBe(~0);
    one.store(0, text, 0, 2, ids, 2);
    expect(one.find(text, 6, 8)).toBe(0); // "ab" again, elsewhere in the text
    expect(one.find(text, 3, 5)).toBe(~0); // "ba": same length, other units
    expect(one.find(text, 9, 12)).toBe(~0); // "abc"
    expect([...one.ids.subarray(0, 3)]).toEqual([2, 7, 8]);
    one.store(0, text, 3, 5, Int32Array.of(9), 1); // a new piece replaces the old one
    expect(one.find(text, 0, 2)).toBe(~0);
    expect(one.find(text, 3, 5)).toBe(0);
    expect(one.ids.length).toBe(MAX_UNITS + 1);
  });

  it('reads allowed special tokens as such', () => {
    const withSpecial = trainSuperBpeOnTexts(corpus, { pattern: 'gpt2', vocabSize: 701, transition: 500, specials: ['<|end|>'] });
    const e = new SuperBpeEncoder(withSpecial);
    const id = withSpecial.specials[0].id;
    expect(e.encode('by the way<|end|>of the', { allowedSpecial: 'all' })).toEqual([...e.encode('by the way'), id, ...e.encode('of the')]);
    expect(e.encode('<|end|>')).not.toContain(id);
  });

  it.skipIf(!HAVE_SHARED)(needsShared('equals the reference on d2l-zh and d2l-en (200 kB each, vocabulary 4,000)'), () => {
    const texts = ['d2l-zh.txt', 'd2l-en.txt'].map((f) => sharedTextHead(`corpora/${f}`, 200_000));
    const v = trainSuperBpeOnTexts(texts, { pattern: 'gpt2', vocabSize: 4000 });
    const e = new SuperBpeEncoder(v);
    for (const t of texts) expect(e.encodeOrdinary(t)).toEqual(referenceSuperBpeEncode(v, t));
    expect(v.tokens.slice(v.superbpe!.transition).some(spansWhitespace)).toBe(true);
  });
});

describe('SuperBPE trainer', () => {
  it('reaches the vocabulary size and keeps stage 1 (plain BPE to the transition) as its first merges', () => {
    expect(vocab.tokens.length).toBe(700);
    expect(vocab.superbpe).toMatchObject({ transition: 500, stage2Pattern: SUPERWORD_PATTERN, maxWords: 4 });
    const bpe = trainOnTexts(corpus, { pattern: 'gpt2', vocabSize: 500 });
    expect(vocab.merges.slice(0, vocab.superbpe!.stage1Merges)).toEqual(bpe.merges);
    expect(vocab.tokens.slice(0, 500)).toEqual(bpe.tokens);
  });

  it('is deterministic', () => {
    const again = trainSuperBpeOnTexts(corpus, { pattern: 'gpt2', vocabSize: 700, transition: 500 });
    expect(again.merges).toEqual(vocab.merges);
    expect(again.tokens).toEqual(vocab.tokens);
  });

  it('learns superwords, each inside one stage-2 piece of the corpus and of at most 4 words', () => {
    const stage2 = vocab.tokens.slice(vocab.superbpe!.transition).map(text);
    expect(stage2.filter((t) => spansWhitespace(utf8(t))).length).toBeGreaterThan(20);
    const pieces = '\u0000' + corpus.flatMap((l) => superwordPieces(l)).join('\u0000') + '\u0000';
    for (const t of stage2) expect(pieces.includes(t), JSON.stringify(t)).toBe(true);
    for (const t of stage2) expect(wordCount(utf8(t)), JSON.stringify(t)).toBeLessThanOrEqual(4);
  });

  it('defaults the transition to 90% of the ordinary tokens and refuses a transition out of range', () => {
    expect(defaultTransition(32000)).toBe(28800);
    expect(defaultTransition(1000, 1)).toBe(899);
    expect(() => trainSuperBpeOnTexts(corpus, { pattern: 'gpt2', vocabSize: 700, transition: 701 })).toThrow(/transition 701/);
  });

  it('reports progress over both stages and can be cancelled', () => {
    const seen: number[] = [];
    trainSuperBpeOnTexts(corpus.slice(0, 300), {
      pattern: 'gpt2',
      vocabSize: 400,
      transition: 350,
      onProgress: (p) => seen.push(p.merges),
    });
    expect(seen.at(-1)).toBe(400 - 256);
    let polls = 0;
    expect(() =>
      trainSuperBpeOnTexts(corpus, { pattern: 'gpt2', vocabSize: 700, transition: 500, shouldStop: () => ++polls > 300 }),
    ).toThrow(TrainingCancelled);
  });
});

describe('SuperBPE files', () => {
  it('round-trip as version 3 with the algorithm; plain BPE stays version 1', () => {
    const json = serializeVocabulary(vocab);
    expect(JSON.parse(json)).toMatchObject({ version: 3, algorithm: 'superbpe', superbpe: vocab.superbpe });
    const back = parseVocabulary(json);
    expect(back.superbpe).toEqual(vocab.superbpe);
    expect(new SuperBpeEncoder(back).encodeOrdinary(corpus[0])).toEqual(encoder.encodeOrdinary(corpus[0]));
    expect(parseVocabulary(serializeVocabulary(vocab, { pretty: true })).superbpe).toEqual(vocab.superbpe);
    const plain = trainOnTexts(corpus.slice(0, 100), { pattern: 'gpt2', vocabSize: 300 });
    expect(JSON.parse(serializeVocabulary(plain)).version).toBe(1);
    expect(() => parseVocabulary(json.replace('"algorithm":"superbpe"', '"algorithm":"unigram"'))).toThrow(/this file is a Unigram model/);
    expect(() => parseVocabulary(json.replace('"algorithm":"superbpe"', '"algorithm":"wordpiece"'))).toThrow(/"algorithm" is "wordpiece"/);
  });

  it('refuses tokenizer.json export, saying why', () => {
    expect(() => exportTokenizerJson(vocab)).toThrow(SUPERBPE_NOT_EXPORTABLE);
  });
});

describe('spansWhitespace', () => {
  it('is true for tokens with whitespace between non-whitespace', () => {
    for (const t of [' of the', ', and', 'by the way', 'a\nb']) expect(spansWhitespace(utf8(t)), t).toBe(true);
    for (const t of [' the', 'the ', '\n\n', '你好，世界', '']) expect(spansWhitespace(utf8(t)), t).toBe(false);
    expect(wordCount(utf8(', and the'))).toBe(3);
  });
});
