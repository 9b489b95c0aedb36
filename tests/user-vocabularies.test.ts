import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import { createApp } from '../src/server/app.js';
import {
  checkVocabularyName,
  deleteUserVocabulary,
  listUserVocabularies,
  saveUserVocabulary,
  userVocabularyDir,
} from '../src/store/user-vocabularies.js';
import { filesIn } from '../src/store/data-dir.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('vocab');

const app = createApp();
const train = (size: number) => trainOnTexts(['low lower lowest low low newer newest'], { pattern: 'gpt2', vocabSize: size });

async function tokenize(text: string, tokenizer: string) {
  const res = await app.request('/api/tokenize', { method: 'POST', body: JSON.stringify({ text, tokenizer }) });
  return { status: res.status, body: (await res.json()) as { count: number; tokens: { id: number }[] } };
}

async function names(): Promise<{ name: string; kind: string }[]> {
  return ((await (await app.request('/api/tokenizers')).json()) as { tokenizers: { name: string; kind: string }[] }).tokenizers;
}

describe('user vocabularies', () => {
  it('appear in the tokenizer list as soon as they are saved and encode at once', async () => {
    expect((await names()).some((t) => t.kind === 'user')).toBe(false);
    await saveUserVocabulary('mine', train(262));
    expect((await names()).find((t) => t.name === 'mine')?.kind).toBe('user');
    const { status, body } = await tokenize('low lower', 'mine');
    expect(status).toBe(200);
    expect(body.count).toBeLessThan(9); // some merges apply: fewer tokens than bytes
  });

  it('reload when the file is replaced and disappear when deleted', async () => {
    await saveUserVocabulary('swap', train(257));
    const before = (await tokenize('lowest', 'swap')).body.count;
    // A later mtime than the first save, whatever the file system's timestamp resolution.
    await new Promise((r) => setTimeout(r, 20));
    await saveUserVocabulary('swap', train(270));
    expect((await tokenize('lowest', 'swap')).body.count).toBeLessThan(before);
    expect(await deleteUserVocabulary('swap')).toBe(true);
    expect((await tokenize('lowest', 'swap')).status).toBe(404);
    expect(await deleteUserVocabulary('swap')).toBe(false);
  });

  it('refuse names that escape the directory or shadow a built-in tokenizer', () => {
    for (const bad of ['../x', '/etc/passwd', 'a/b', '.hidden', '', 'cl100k_base', 'tokenlab-cjk-32k']) {
      expect(() => checkVocabularyName(bad), bad).toThrow(RangeError);
    }
  });

  it('skip files that are not vocabularies by name (temporary files of a save in progress)', () => {
    writeFileSync(join(userVocabularyDir(), '.mine.json.0a1b2c.tmp'), '{');
    writeFileSync(join(userVocabularyDir(), 'notes.txt'), 'x');
    expect(listUserVocabularies().map((v) => v.name)).toEqual(['mine']);
  });
});

describe('filesIn (the listing every kind of user file shares)', () => {
  it('lists the names with the suffix, sorted, and nothing for a directory not made yet', () => {
    const dir = join(userVocabularyDir(), '..', 'listing');
    expect(filesIn(dir, '.json')).toEqual([]);
    mkdirSync(dir, { recursive: true });
    for (const f of ['b.json', 'a.json', 'c.txt', '.a.json.0123456789ab.tmp']) writeFileSync(join(dir, f), '{}');
    expect(filesIn(dir, '.json')).toEqual(['a.json', 'b.json']);
  });
});
