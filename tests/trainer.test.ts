import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { bytesToByteLevel } from '../src/bpe/formats/byte-level.js';
import { cutByUtf8Length, encodeCounts } from '../src/bpe/train/piece-counter.js';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import { trainBpe, TrainingCancelled, type TrainProgress } from '../src/bpe/train/trainer.js';
import { trainFiles } from '../src/jobs/train-files.js';
import { lcg } from './random.js';
import { HAVE_SHARED, needsShared, sharedPath } from './shared.js';

const require = createRequire(import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'tokenlab-trainer-'));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('trainBpe', () => {
  it("learns the merges of tokenizers' own unit test (roses are red, min frequency 2)", () => {
    const words = new Map(
      Object.entries({ roses: 1, are: 2, red: 1, voilets: 1, blue: 1, BERT: 1, is: 2, big: 1, and: 1, so: 1, 'GPT-2': 1 }),
    );
    const result = trainBpe(encodeCounts(words), { vocabSize: 1000, minFrequency: 2, compat: 'hf' });
    expect(result.merges.map(([a, b]) => [text(result.tokens[a]), text(result.tokens[b])])).toEqual([
      ['r', 'e'],
      ['a', 're'],
      ['i', 's'],
    ]);
    expect(result.tokens.slice(256).map(text)).toEqual(['re', 'are', 'is']);
  });

  it('gives the single bytes ids 0-255, new tokens ids in the order learned, special tokens after them', () => {
    const v = trainOnTexts(['low lower lowest low low'], { pattern: 'gpt2', vocabSize: 262, specials: ['<|endoftext|>'] });
    for (let b = 0; b < 256; b++) expect(Array.from(v.tokens[b])).toEqual([b]);
    // The budget counts the special token: 262 - 256 - 1 = 5 new tokens. On equal counts the smaller pair wins.
    expect(v.tokens.length).toBe(261);
    expect(v.tokens.slice(256).map(text)).toEqual(['lo', 'low', ' low', ' lowe', 'st']);
    expect(v.merges.length).toBe(5);
    expect(v.specials).toEqual([{ text: '<|endoftext|>', id: 261 }]);
  });

  it('stops at the minimum frequency', () => {
    const v = trainOnTexts(['ab ab ab cd cd'], { pattern: 'gpt2', vocabSize: 1000, minFrequency: 3 });
    // (a, b) occurs 3 times; then (' ', ab) only twice.
    expect(v.tokens.slice(256).map(text)).toEqual(['ab']);
  });

  it('reports progress for each merge and can be cancelled', () => {
    const seen: TrainProgress[] = [];
    const corpus = 'the cat sat on the mat with the other cat '.repeat(50);
    trainOnTexts([corpus], { pattern: 'gpt2', vocabSize: 270, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.merges)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(seen.every((p) => p.total === 14 && p.count >= 50)).toBe(true);
    expect(text(seen[0].token)).toBe('th'); // the, the, with, the, other: 5 times a line, more than 'at' (4)
    let polls = 0;
    expect(() => trainOnTexts([corpus], { pattern: 'gpt2', vocabSize: 280, shouldStop: () => ++polls > 5 })).toThrow(TrainingCancelled);
  });

  it('rejects an empty corpus and a vocabulary too small for the bytes and special tokens', () => {
    expect(() => trainOnTexts([''], { pattern: 'gpt2', vocabSize: 300 })).toThrow(/corpus is empty/);
    expect(() => trainOnTexts(['abc'], { pattern: 'gpt2', vocabSize: 256, specials: ['<s>'] })).toThrow(
      /too small: 256 byte tokens \+ 1 special tokens need at least 257/,
    );
    expect(() => trainOnTexts(['abc'], { pattern: 'gpt2', vocabSize: 300, specials: ['<s>', '<s>'] })).toThrow(/twice/);
  });

  it('trains on arbitrary strings, lone surrogates included (as U+FFFD bytes)', () => {
    const v = trainOnTexts(['\ud800x\udfff\ud800x😀😀 \u0000\u0000'], { pattern: 'cjk', vocabSize: 300 });
    const learned = v.tokens.slice(256).map((t) => Array.from(t));
    expect(learned).toContainEqual([0xef, 0xbf, 0xbd]);
    expect(learned).toContainEqual([0xf0, 0x9f, 0x98, 0x80]);
  });

  it('cuts overlong pieces at character boundaries and says so', () => {
    const line = '汉'.repeat(5000) + 'x'.repeat(3000);
    const parts = cutByUtf8Length(line, 1024);
    expect(parts.join('')).toBe(line);
    expect(parts.every((p) => new TextEncoder().encode(p).length <= 1024)).toBe(true);
    const v = trainOnTexts([line], { pattern: 'gpt2', vocabSize: 300 });
    expect(v.training!.cutPieces).toBe(1);
  });
});

describe('trainFiles', () => {
  it('counts invalid UTF-8 (as U+FFFD), keeps a literal U+FFFD apart from it, and still trains', async () => {
    const file = join(tmp, 'invalid.txt');
    const bytes = Buffer.concat([Buffer.from('abc abc \ufffd '), Buffer.from([0xff, 0xfe, 0x20, 0xc3]), Buffer.from(' abc\n')]);
    writeFileSync(file, bytes);
    const v = await trainFiles([file], { pattern: 'gpt2', vocabSize: 260, threads: 1 });
    expect(v.training!.invalidUtf8).toBe(3);
    expect(v.training!.corpora).toEqual([{ name: file, bytes: bytes.length }]);
  });

  it('finds U+FFFD written in the file even when a read boundary splits its bytes', async () => {
    const file = join(tmp, 'boundary.txt');
    const filler = Buffer.alloc((1 << 20) - 1, 'a'.charCodeAt(0));
    writeFileSync(file, Buffer.concat([filler, Buffer.from('\ufffd\n'), Buffer.from([0x80])]));
    const v = await trainFiles([file], { pattern: 'gpt2', vocabSize: 260, threads: 1 });
    expect(v.training!.invalidUtf8).toBe(1);
  });

  it('trains on a leading byte order mark as text, like any other character', async () => {
    const file = join(tmp, 'bom.txt');
    writeFileSync(file, '\ufeff\ufeff\ufeff');
    const v = await trainFiles([file], { pattern: 'gpt2', vocabSize: 258, threads: 1 });
    // The one piece is three EF BB BF: two merges make the mark a token.
    expect([...v.tokens[v.tokens.length - 1]]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('rejects an empty file and a missing one with clear errors', async () => {
    const empty = join(tmp, 'empty.txt');
    writeFileSync(empty, '');
    await expect(trainFiles([empty], { pattern: 'gpt2', vocabSize: 300 })).rejects.toThrow(/corpus is empty/);
    await expect(trainFiles([join(tmp, 'missing.txt')], { pattern: 'gpt2', vocabSize: 300 })).rejects.toThrow(/ENOENT/);
    await expect(trainFiles([], { pattern: 'gpt2', vocabSize: 300 })).rejects.toThrow(/no corpus/);
  });

  // 3 MB is enough to need the cut: uncut, every merge would rescan the whole line.
  it('trains a 3 MB line with no spaces in bounded time and memory', async () => {
    const file = join(tmp, 'unspaced.txt');
    const rand = lcg(42);
    const han = Array.from({ length: 1_000_000 }, () => String.fromCharCode(0x4e00 + Math.floor(rand() * 600)));
    writeFileSync(file, han.join(''));
    const v = await trainFiles([file], { pattern: 'gpt2', vocabSize: 3000, threads: 2 });
    expect(v.tokens.length).toBe(3000);
    expect(v.training!.cutPieces).toBeGreaterThan(0);
  });
});

describe.skipIf(!HAVE_SHARED)(needsShared('trainer against the corpora'), () => {
  it('is deterministic: the same merges with 1 and 2 counting threads (cjk pattern, d2l-zh)', async () => {
    const options = { pattern: 'cjk' as const, vocabSize: 5000 };
    const one = await trainFiles([sharedPath('corpora/d2l-zh.txt')], { ...options, threads: 1 });
    const two = await trainFiles([sharedPath('corpora/d2l-zh.txt')], { ...options, threads: 2 });
    expect(two.training!.threads).toBe(2);
    expect(two.merges).toEqual(one.merges);
    expect(two.tokens).toEqual(one.tokens);
  });

  it("reproduces tokenizers' BpeTrainer merge for merge (gpt2 pattern, 2.5 MB of d2l and bench-mix)", async () => {
    const file = join(tmp, 'hf-slice.txt');
    const zh = readFileSync(sharedPath('corpora/d2l-zh.txt')).subarray(0, 1_200_000);
    const mix = readFileSync(sharedPath('corpora/bench-mix.txt')).subarray(0, 1_300_000);
    writeFileSync(file, Buffer.concat([zh, Buffer.from('\n'), mix]).toString('utf8')); // cut bytes become U+FFFD
    const { Tokenizer, BPE, byteLevelPreTokenizer } = require('tokenizers');
    const hf = new Tokenizer(BPE.empty());
    hf.setPreTokenizer(byteLevelPreTokenizer(false, true));
    hf.train([file]);
    const out = join(tmp, 'hf-tokenizer.json');
    hf.save(out);
    const expected: Array<[string, string]> = JSON.parse(readFileSync(out, 'utf8')).model.merges;

    const v = await trainFiles([file], { pattern: 'gpt2', vocabSize: 30000, compat: 'hf', threads: 2 });
    const ours = v.merges.map(([a, b]) => [bytesToByteLevel(v.tokens[a]), bytesToByteLevel(v.tokens[b])]);
    expect(expected.length).toBeGreaterThan(29000);
    expect(ours.length).toBe(expected.length);
    const firstDifference = ours.findIndex((m, i) => m[0] !== expected[i][0] || m[1] !== expected[i][1]);
    expect(firstDifference).toBe(-1);
  });
});
