import { Tiktoken } from 'tiktoken';
import { describe, expect, it } from 'vitest';
import { exportTiktokenRanks } from '../src/bpe/formats/tiktoken-ranks.js';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import { parseVocabulary, serializeVocabulary } from '../src/bpe/formats/vocab-json.js';
import { importTokenizerJson } from '../src/bpe/formats/tokenizer-json.js';
import { Encoder } from '../src/bpe/encode/encoder.js';
import type { VocabListing } from '../src/server/vocab-data.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('server-vocab');
const { createApp } = await import('../src/server/app.js');
const { saveUserVocabulary } = await import('../src/store/user-vocabularies.js');
const app = createApp();
const { TIKTOKEN_FACTS } = await import('../src/server/vocab-data.js');
const { shippedVocabularyPath } = await import('../src/store/shipped-vocabularies.js');
const { tiktokenEncoding } = await import('../src/store/tokenizers.js');
const { readVocabularyFile } = await import('../src/store/vocab-files.js');

const small = trainOnTexts(['分词器把文本切成词元。Tokens are pieces of text.\n'.repeat(20)], {
  pattern: 'cjk',
  vocabSize: 300,
  specials: ['<script>alert(1)</script>'],
});

function upload(fields: Record<string, string>, file?: { bytes: Uint8Array | string; name: string }, path = '/vocab/import') {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([file.bytes]), file.name);
  return app.request(path, { method: 'POST', body: form });
}

const text = async (path: string) => {
  const res = await app.request(path);
  expect(res.status, path).toBe(200);
  return res.text();
};

describe('/vocab', () => {
  it('lists tiktoken encodings, shipped and user vocabularies, with an import form', async () => {
    await saveUserVocabulary('listed', small);
    const html = await text('/vocab');
    for (const name of ['cl100k_base', 'tokenlab-cjk-32k', 'listed']) expect(html).toContain(`href="/vocab/${name}"`);
    expect(html).toContain('id="import-form"');
  });

  it('lists each vocabulary’s size, specials, pattern and kind without building its encoder', async () => {
    await saveUserVocabulary('sized', small);
    const { vocabularies } = (await (await app.request('/api/vocabularies')).json()) as { vocabularies: VocabListing[] };
    const byName = new Map(vocabularies.map((v) => [v.name, v]));
    expect(byName.get('cl100k_base')).toEqual({ name: 'cl100k_base', kind: 'tiktoken', size: 100277, specials: 5, pattern: 'cl100k' });
    expect(byName.get('sized')).toEqual({ name: 'sized', kind: 'user', size: small.tokens.length + 1, specials: 1, pattern: 'cjk' });
    const shipped = await readVocabularyFile(shippedVocabularyPath('tokenlab-cjk-32k'));
    expect(byName.get('tokenlab-cjk-32k')).toMatchObject({ kind: 'shipped', size: new Encoder(shipped).nVocab, pattern: shipped.pattern });
    const html = await text('/vocab');
    const row = html.match(/<tr data-name="sized">.*?<\/tr>/)![0];
    expect(row).toContain(`<td class="num vocab-size">${small.tokens.length + 1}</td>`);
    expect(row).toContain('<td>cjk</td>');
    expect(html).toMatch(/<tr data-name="o200k_base">.*?200,019.*?o200k.*?tiktoken encoding/);
    // a file rewritten is read again; a custom pattern shows as such, whole on hover
    await saveUserVocabulary('sized', { ...small, pattern: '\\S+|\\s+' });
    const custom = (await text('/vocab')).match(/<tr data-name="sized">.*?<\/tr>/)![0];
    expect(custom).toContain('<td title="\\S+|\\s+">custom: <code>\\S+|\\s+</code></td>');
  });

  it('lists tiktoken’s encodings with the sizes, specials and patterns their loaded encoders have', async () => {
    for (const [name, facts] of Object.entries(TIKTOKEN_FACTS)) {
      const t = tiktokenEncoding(name as keyof typeof TIKTOKEN_FACTS);
      expect({ size: t.nVocab, specials: t.encoder.vocab.specials.length, pattern: t.encoder.vocab.pattern }, name).toEqual(facts);
    }
  }, 60_000);

  it('imports our JSON, tiktoken ranks and tokenizer.json; the vocabulary joins every chooser', async () => {
    const cases: Array<[string, string, string]> = [
      ['from-json', serializeVocabulary(small), 'auto'],
      ['from-ranks', exportTiktokenRanks(small), 'auto'],
      ['from-hf', await text('/vocab/listed/download/tokenizer.json'), 'hf'],
    ];
    for (const [name, body, format] of cases) {
      const res = await upload({ name, format, pattern: 'cjk' }, { bytes: body, name: 'v' });
      expect(res.status, name).toBe(303);
      expect(res.headers.get('location')).toBe(`/vocab/${name}`);
      const { tokenizers } = (await (await app.request('/api/tokenizers')).json()) as { tokenizers: { name: string }[] };
      expect(tokenizers.map((t) => t.name)).toContain(name);
    }
    const imported = (await (await app.request('/api/vocabularies/from-ranks')).json()) as { tokens: number; merges: number };
    expect(imported.tokens).toBe(small.tokens.length);
  });

  it('refuses bad imports with clear errors: not a vocabulary, not UTF-8, bad name, name taken, no file', async () => {
    const cases: Array<[Record<string, string>, { bytes: Uint8Array | string; name: string } | undefined, number, RegExp]> = [
      [{ name: 'bad1' }, { bytes: '{"hello": 1}', name: 'x.json' }, 400, /neither a tokenlab vocabulary/],
      [{ name: 'bad2' }, { bytes: '{"format": "tokenlab-vocab", "version": 1', name: 'x.json' }, 400, /not/],
      [{ name: 'bad3', format: 'tiktoken' }, { bytes: 'not base64!! 0\n', name: 'x.tiktoken' }, 400, /tiktoken ranks/],
      [{ name: 'bad4' }, { bytes: Uint8Array.of(0xff, 0xfe, 0x00), name: 'x.bin' }, 400, /not UTF-8/],
      [
        { name: 'bad5' },
        { bytes: serializeVocabulary({ ...small, pattern: '(\\w+\\s?)*$' }), name: 'x.json' },
        400,
        /backtracks catastrophically \(exponential/,
      ],
      [{ name: '../evil' }, { bytes: serializeVocabulary(small), name: 'x.json' }, 400, /not allowed/],
      [{ name: 'o200k_base' }, { bytes: serializeVocabulary(small), name: 'x.json' }, 400, /built-in/],
      [{ name: 'listed' }, { bytes: serializeVocabulary(small), name: 'x.json' }, 409, /exists/],
      [{ name: 'nofile' }, undefined, 400, /choose a vocabulary file/],
    ];
    for (const [fields, file, status, message] of cases) {
      const page = await upload(fields, file);
      expect(page.status, fields.name).toBe(status);
      expect(await page.text()).toMatch(message);
      const api = await upload(fields, file, '/api/vocabularies');
      expect(api.status).toBe(status);
      expect(((await api.json()) as { error: string }).error).toMatch(message);
    }
  });

  it('deletes a user vocabulary, and only those', async () => {
    await saveUserVocabulary('doomed', small);
    const res = await app.request('/vocab/doomed/delete', { method: 'POST' });
    expect(res.status).toBe(303);
    expect((await app.request('/vocab/doomed')).status).toBe(404);
    expect((await app.request('/vocab/cl100k_base/delete', { method: 'POST' })).status).toBe(404);
    await saveUserVocabulary('doomed2', small);
    expect((await app.request('/api/vocabularies/doomed2', { method: 'DELETE' })).status).toBe(200);
    expect((await app.request('/api/vocabularies/doomed2', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('token display', () => {
  it('shows whole characters as text and only the bytes of a cut character in hex', async () => {
    const { chipToken, tokenParts } = await import('../src/server/vocab-bytes.js');
    const { TokenChip } = await import('../views/tokens.js');
    const cut = Buffer.from('e5bf85e9a1bbe585', 'hex'); // 必须 and the first two bytes of 入
    const hex = (p: ReturnType<typeof tokenParts>) =>
      p && [Buffer.from(p.head).toString('hex'), p.text, Buffer.from(p.tail).toString('hex')];
    expect(hex(tokenParts(cut))).toEqual(['', '必须', 'e585']);
    expect(hex(tokenParts(Buffer.from('bda0e5a5bd', 'hex')))).toEqual(['bda0', '好', '']); // the end of 你, then 好
    expect(tokenParts(Uint8Array.of(0xff))).toBeUndefined();
    expect(String(TokenChip({ token: chipToken(cut) }))).toBe(
      '<code class="tok partial" title="cuts a character: the bytes of the cut character in hex">必须<span class="hexpart">⟨e5 85⟩</span></code>',
    );
    expect(String(TokenChip({ token: chipToken(Buffer.from(' a\n')) }))).toBe('<code class="tok">·a↵</code>');
  });
});

describe('/vocab/:name', () => {
  it('summarises the vocabulary: size, pattern, corpora, training time, held-out compression; downloads', async () => {
    const html = await text('/vocab/tokenlab-cjk-32k');
    expect(html).toContain('32000 (31999 ordinary, 1 special)');
    // The corpora its training record names (whatever the shipped file was trained on).
    const shipped = await readVocabularyFile(shippedVocabularyPath('tokenlab-cjk-32k'));
    for (const c of shipped.training!.corpora) expect(html).toContain(c.name);
    expect(html).toMatch(/training time<\/th><td>[\d.]+ s/);
    expect(html).toMatch(/id="heldout-bpt">[1-9]\.\d{3}/);
    expect(html).not.toContain('id="delete"');
    for (const f of ['json', 'tiktoken', 'tiktoken-args', 'tokenizer.json'])
      expect(html).toContain(`href="/vocab/tokenlab-cjk-32k/download/${f}"`);
    expect(html).toContain('id="histogram"');
    expect((await app.request('/vocab/no-such-vocab')).status).toBe(404);
  });

  it('downloads in each format, and the files read back as the same vocabulary', async () => {
    await saveUserVocabulary('round', small);
    const json = await app.request('/vocab/round/download/json');
    expect(json.headers.get('content-disposition')).toBe('attachment; filename="round.json"');
    expect(parseVocabulary(await json.text()).tokens).toEqual(small.tokens);
    const ranks = await text('/vocab/round/download/tiktoken');
    expect(ranks.trim().split('\n')).toHaveLength(small.tokens.length);
    // with what tiktoken needs beside the ranks, tiktoken itself encodes as tokenlab does, specials included
    const args = JSON.parse(await text('/vocab/round/download/tiktoken-args')) as {
      pat_str: string;
      special_tokens: Record<string, number>;
    };
    expect(args.special_tokens).toEqual({ '<script>alert(1)</script>': small.specials[0].id });
    const tk = new Tiktoken(ranks, args.special_tokens, args.pat_str);
    const sample = '分词器 cuts 文本 into tokens, 2025年 😀<script>alert(1)</script>';
    const ours = new Encoder(small);
    expect(Array.from(tk.encode(sample, 'all'))).toEqual(ours.encode(sample, { allowedSpecial: 'all' }));
    tk.free();
    expect(importTokenizerJson(await text('/vocab/round/download/tokenizer.json')).tokens).toEqual(small.tokens);
    expect((await app.request('/vocab/round/download/zip')).status).toBe(404);
  });

  it('escapes special-token text from a vocabulary file', async () => {
    const html = await text('/vocab/round');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('filters the token table: Han only, Latin only, mixed script, partial characters, unused; searches by text or id', async () => {
    const rows = (html: string) => [...html.matchAll(/class="tree-link">(\d+)</g)].map((m) => Number(m[1]));
    const han = await text('/vocab/tokenlab-cjk-32k/tokens?filter=han');
    expect(rows(han).length).toBe(100);
    expect(han).toMatch(/page 1 of \d+/);
    const tokenCell = (html: string) => [...html.matchAll(/<code class="tok">([^<]*)<\/code>/g)].map((m) => m[1]);
    for (const t of tokenCell(han)) expect(t).toMatch(/^[\p{Script=Han}·]+$/u);
    for (const t of tokenCell(await text('/vocab/cl100k_base/tokens?filter=latin'))) expect(t).toMatch(/^[\p{Script=Latin}·]+$/u);
    const mixedHtml = await text('/vocab/tokenlab-cjk-32k/tokens?filter=mixed');
    expect(mixedHtml).toMatch(/\d+ tokens? match(es)? · page 1 of 1/);
    const mixed = tokenCell(mixedHtml);
    for (const t of mixed) expect(t).toMatch(/\p{Script=Han}/u);
    const partial = await text('/vocab/cl100k_base/tokens?filter=partial');
    expect(partial).toContain('class="tok partial"');
    expect(partial).not.toContain('<code class="tok">');
    const unused = await text('/vocab/cl100k_base/tokens?filter=unused&page=2');
    expect(unused).toMatch(/page 2 of/);
    expect(rows(await text('/vocab/cl100k_base/tokens?q=1917'))).toContain(1917);
    const search = tokenCell(await text(`/vocab/tokenlab-cjk-32k/tokens?q=${encodeURIComponent('类型')}`));
    expect(search.length).toBeGreaterThan(0);
    for (const t of search) expect(t).toContain('类型');
  });

  it('draws the merge tree of a token down to single bytes, with ranks', async () => {
    // cl100k_base 1917 is " world": its tree ends in the six bytes.
    const html = await text('/vocab/cl100k_base/tree?tree=1917');
    expect(html).toContain('id 1917 · rank 1917');
    expect((html.match(/· byte</g) ?? []).length).toBe(6);
    expect(await text('/vocab/cl100k_base/tree?tree=99999999')).toMatch(/no ordinary token with id/);
  });

  it('scrubs through merge steps: 0 merges leaves one token per byte, all merges match the full encoder', async () => {
    const scrub = async (k: number) => {
      const body = new URLSearchParams({ sample: '分词器 tokens', k: String(k) });
      return (await app.request('/vocab/tokenlab-cjk-32k/scrub', { method: 'POST', body })).text();
    };
    const count = (html: string) => Number(/<strong>(\d+)<\/strong> tokens/.exec(html)![1]);
    expect(count(await scrub(0))).toBe(Buffer.byteLength('分词器 tokens'));
    const full = (await (
      await app.request('/api/tokenize', { method: 'POST', body: JSON.stringify({ text: '分词器 tokens', tokenizer: 'tokenlab-cjk-32k' }) })
    ).json()) as { count: number };
    expect(count(await scrub(40_000))).toBe(full.count);
    expect(count(await scrub(300))).toBeGreaterThanOrEqual(full.count);
  });
});
