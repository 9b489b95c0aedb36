/**
 * The added model tokenizers across the lab (qwen3 and gemma3 linked into a fresh data directory; deepseek-v3
 * and llama3 left to add): every chooser offers them and points to the ones not added, the compare page's
 * default choice and its table of every tokenizer's language tax, n-gram models over them on the bits-per-byte
 * board, and `tokenlab eval`. Counts are held to Hugging Face `tokenizers`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import type { JobRecord } from '../src/jobs/job-manager.js';
import type { ModelRecord } from '../src/store/user-models.js';
import { tokenlab } from './cli-run.js';
import { linkModelTokenizers, HAVE_MODELS, modelFile, needsModels, type ModelName } from './model-files.js';
import { jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';

linkModelTokenizers(useFreshDataDir('models-lab'), ['qwen3', 'gemma3']);
const { createApp } = await import('../src/server/app.js');
const { jobManager } = await import('../src/jobs/job-manager.js');
const { addUserCorpus } = await import('../src/store/user-corpora.js');
const { listTokenizers } = await import('../src/store/tokenizers.js');
const { parallelSample } = await import('../src/server/compare.js');
const app = createApp();
const post = jsonPoster(app);

const PARALLEL = readFileSync(new URL('../corpora/parallel-zh-en.tsv', import.meta.url), 'utf8');
const LINES = ['the cat sat on the mat', 'the dog sat on the log', 'a cat and a dog', '模型预测下一个词元'];

const hf = new Map<ModelName, HfTokenizer>();
beforeAll(async () => {
  if (!HAVE_MODELS) return;
  for (const name of ['qwen3', 'gemma3'] as const) hf.set(name, HfTokenizer.fromString(readFileSync(modelFile(name), 'utf8')));
  await addUserCorpus('pets', new TextEncoder().encode(Array.from({ length: 200 }, (_, i) => LINES[i % LINES.length]).join('\n') + '\n'));
}, 120_000);

afterAll(async () => {
  for (const j of jobManager().list()) jobManager().cancel(j.id);
  await jobManager().settled();
});

const hfCount = async (name: ModelName, text: string) =>
  (await hf.get(name)!.encode(text, null, { addSpecialTokens: false })).getIds().length;

/** Chinese and English tokens of aligned `zh<TAB>en` lines, each side of each line counted alone (as languageTaxOfPairs counts). */
async function sideCounts(name: ModelName, lines: readonly string[]): Promise<[number, number]> {
  let zh = 0;
  let en = 0;
  for (const [z, e] of lines.map((l) => l.split('\t'))) {
    zh += await hfCount(name, z);
    en += await hfCount(name, e);
  }
  return [zh, en];
}

const nonEmptyLines = (text: string) => text.split('\n').filter((l) => l !== '');

const html = async (path: string) => {
  const res = await app.request(path);
  expect(res.status, path).toBe(200);
  return res.text();
};

describe.skipIf(!HAVE_MODELS)(needsModels('model tokenizers across the lab'), () => {
  it('every chooser offers the added ones, grouped, and points to the ones not added yet', async () => {
    const pages = { tokenize: await html('/'), compare: await html('/compare'), lm: await html('/lm'), vocab: await html('/vocab') };
    for (const name of ['qwen3', 'gemma3']) {
      expect(pages.tokenize).toMatch(new RegExp(`<optgroup label="open models">.*<option value="${name}"`, 's'));
      expect(pages.lm).toMatch(new RegExp(`<optgroup label="open models">.*<option value="${name}"`, 's'));
      expect(pages.compare).toMatch(new RegExp(`open models:</span>.*<input type="checkbox" name="tokenizers" value="${name}"`, 's'));
      expect(pages.vocab).toContain(`href="/vocab/${name}"`);
    }
    for (const page of [pages.tokenize, pages.compare, pages.lm]) {
      const adds = [...page.matchAll(/<a href="\/vocab#model-offers" class="add-model" data-model="([^"]+)">([^<]*)</g)].map((m) => [
        m[1],
        m[2],
      ]);
      const offered = [
        ['deepseek-v3', 'deepseek-v3 · add, 15 MB'],
        ['llama3', 'llama3 · add, 18 MB'],
      ];
      // /lm has two choosers: the model build's and the ∞-gram index build's
      expect(adds).toEqual(page === pages.lm ? [...offered, ...offered] : offered);
    }
    const { tokenizers } = (await (await app.request('/api/tokenizers')).json()) as {
      tokenizers: Array<{ name: string; kind: string; installed?: boolean }>;
    };
    expect(tokenizers.filter((t) => t.kind === 'model' && t.installed !== false).map((t) => t.name)).toEqual(['qwen3', 'gemma3']);
    const tokenized = await html('/?tokenizer=gemma3&text=' + encodeURIComponent('分词器 tokens'));
    expect(tokenized).toContain('<option value="gemma3" selected');
  });

  it('compares cl100k_base, o200k_base and the added ones of qwen3 and deepseek-v3 by default', async () => {
    const page = await html('/compare');
    const ticked = [...page.matchAll(/<input type="checkbox" name="tokenizers" value="([^"]+)" checked/g)].map((m) => m[1]);
    expect(ticked).toEqual(['cl100k_base', 'o200k_base', 'qwen3']);
    expect([...page.matchAll(/<section class="cmp-panel" data-tokenizer="([^"]+)"/g)].map((m) => m[1])).toEqual(ticked);
    expect(page).toContain('hx-get="/fragment/language-tax" hx-trigger="load"');
  });

  it('gives the language tax of every tokenizer offered, lowest first, as tokenizers counts the model ones', async () => {
    const table = await html('/fragment/language-tax');
    const rows = [
      ...table.matchAll(
        /<tr data-tokenizer="([^"]+)"><th>[^<]*<\/th><td[^>]*>[^<]*<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td class="cmp-tax-value">([\d.]+)</g,
      ),
    ];
    expect(rows.map((r) => r[1]).sort()).toEqual(
      listTokenizers()
        .map((t) => t.name)
        .sort(),
    );
    const taxes = rows.map((r) => Number(r[4]));
    expect(taxes).toEqual([...taxes].sort((a, b) => a - b));
    const sample = await parallelSample();
    for (const name of ['qwen3', 'gemma3'] as const) {
      const row = rows.find((r) => r[1] === name)!;
      expect([Number(row[2]), Number(row[3])], name).toEqual(await sideCounts(name, sample));
    }
    expect(await html('/fragment/language-tax')).toBe(table); // measured once
  });

  it('builds n-gram models over them (gemma3: 262,145 ids) and ranks them on the bits-per-byte board', async () => {
    for (const tokenizer of ['gemma3', 'qwen3']) {
      const res = await post('/api/lm/build', { tokenizer, corpus: 'pets', order: 3, name: `pets.${tokenizer}` });
      expect(res.status).toBe(202);
      await jobManager().settled();
      const { job } = (await (await app.request(`/api/jobs/${((await res.json()) as { job: JobRecord }).job.id}`)).json()) as {
        job: JobRecord;
      };
      expect(job.state, job.message).toBe('done');
    }
    const { models } = (await (await app.request('/api/lm')).json()) as { models: ModelRecord[] };
    const gemma = models.find((m) => m.name === 'pets.gemma3')!;
    expect(gemma.vocabularySize).toBe(262_145);
    expect(gemma.heldOut!.bitsPerByte).toBeLessThan(1);
    const next = (await (await post('/api/lm/pets.gemma3/next', { context: 'the cat', k: 3 })).json()) as {
      top: Array<{ text: string; prob: number }>;
      unseen: { tokens: number };
    };
    expect(next.top[0].text).toBe(' sat');
    expect(next.unseen.tokens).toBeGreaterThan(262_000);
    const board = await html('/lm');
    expect(board).toMatch(/data-corpus="pets"[\s\S]*pets\.(gemma3|qwen3)[\s\S]*pets\.(gemma3|qwen3)/);
  });

  it('tokenlab eval has a row for each, counted as tokenizers counts', async () => {
    const r = await tokenlab('eval', '--tokenizers', 'qwen3,gemma3,cl100k_base', '--corpus', 'parallel-zh-en', '--parallel', '--json');
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tokenizer: string; tokens: number; languageTax: number });
    expect(rows.map((row) => row.tokenizer)).toEqual(['qwen3', 'gemma3', 'cl100k_base']);
    for (const name of ['qwen3', 'gemma3'] as const) {
      const row = rows.find((x) => x.tokenizer === name)!;
      expect(row.tokens).toBe(await hfCount(name, PARALLEL));
      const [zh, en] = await sideCounts(name, nonEmptyLines(PARALLEL));
      expect(row.languageTax).toBeCloseTo(zh / en, 10);
    }
    const table = await tokenlab('eval', '--tokenizers', 'cl100k_base,gemma3', '--corpus', 'parallel-zh-en');
    expect(table.stdout).toMatch(/\ngemma3 +\d+ /);
  });
});
