import { describe, expect, it } from 'vitest';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import { createApp } from '../src/server/app.js';
import { assertSafePattern, UnsafePatternError } from '../src/store/pattern-safety.js';
import { saveUserVocabulary } from '../src/store/user-vocabularies.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('patterns');

describe('split patterns given as regex sources', () => {
  it('lets named patterns and linear regexes through', async () => {
    for (const p of ['gpt2', 'cl100k', 'o200k', 'cjk', '\\S+|\\s+', "'s|'t| ?\\p{L}+| ?\\p{N}+|\\s+(?!\\S)|\\s+"]) {
      await expect(assertSafePattern(p), p).resolves.toBeUndefined();
    }
  });

  it('refuses patterns that backtrack catastrophically, naming the time and an attack', async () => {
    await expect(assertSafePattern('(a+)+$')).rejects.toThrow(/backtracks catastrophically \(exponential time: for example on 'a'/);
    await expect(assertSafePattern('\\s*\\s*x')).rejects.toThrow(/backtracks catastrophically \(polynomial time/);
    await expect(assertSafePattern('(a|aa)*c')).rejects.toBeInstanceOf(UnsafePatternError);
  });

  it('keeps a vocabulary whose file has such a pattern from encoding: a clear 400, not a stalled thread', async () => {
    const vocab = trainOnTexts(['aaaa abab'], { pattern: 'gpt2', vocabSize: 258 });
    await saveUserVocabulary('redos', { ...vocab, pattern: '(a+)+$' }); // written past the import check
    const app = createApp();
    for (const threads of ['2', '0']) {
      process.env.TOKENLAB_TOKENIZE_THREADS = threads;
      const res = await app.request('/api/tokenize', {
        method: 'POST',
        body: JSON.stringify({ text: `${'a'.repeat(40)}!`, tokenizer: 'redos' }),
      });
      expect(res.status, threads).toBe(400);
      expect(await res.json()).toMatchObject({
        tokenizer: 'redos',
        error: expect.stringMatching(/the vocabulary "redos" cannot be used: the split pattern "\(a\+\)\+\$" backtracks catastrophically/),
      });
    }
  });
});
