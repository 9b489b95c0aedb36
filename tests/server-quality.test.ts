/**
 * The quality comparison (/compare/quality, POST /api/quality): a job measures each tokenizer on a corpus's
 * held-out split (or pasted text) with the 5-gram built on its train split. Its rows are checked against the
 * lab's own measures taken apart: evaluate (src/eval) for bytes per token and tokens per Han, and the LM
 * studio's scoreText for the bits per byte of the same model; then the page, its refusals and escaping.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('server-quality');
const { createApp } = await import('../src/server/app.js');
const { jobManager } = await import('../src/jobs/job-manager.js');
const { splitOf } = await import('../src/server/train-jobs.js');
const { tokenizerByName } = await import('../src/store/tokenizers.js');
const { evaluate } = await import('../src/eval/metrics.js');
const { buildModel } = await import('../src/lm/model.js');
const { scoreText } = await import('../src/lm/query.js');
const app = createApp();
const postJson = jsonPoster(app);

const CORPUS = Array.from(
  { length: 300 },
  (_, i) => `第${i}节：分词器把文本切成词元，模型再预测下一个词元。Section ${i}: tokenizers cut text into tokens, ${i * 7} of them.`,
).join('\n');
const TOKENIZERS = ['r50k_base', 'cl100k_base'];

type Row = {
  tokenizer: string;
  tokens: number;
  bytesPerToken: number;
  tokensPerHan: number | null;
  bitsPerByte: number;
  firstLossyLine: number;
};

async function finished(res: Response) {
  expect(res.status, await res.clone().text()).toBe(202);
  const { job } = (await res.json()) as { job: { id: string } };
  await jobManager().settled();
  const done = (await (await app.request(`/api/jobs/${job.id}`)).json()) as {
    job: { id: string; state: string; message: string; progress: { rows: Row[] } };
  };
  expect(done.job.state, done.job.message).toBe('done');
  return done.job;
}

describe('the quality comparison', () => {
  it('measures each tokenizer as evaluate and the LM studio’s scoring do', async () => {
    expect((await postJson('/api/corpora', { name: 'quality-corpus', text: CORPUS })).status).toBe(201);
    const job = await finished(await postJson('/api/quality', { tokenizers: TOKENIZERS, corpus: 'quality-corpus' }));
    const rows = job.progress.rows;
    expect(rows.map((r) => r.tokenizer)).toEqual(TOKENIZERS);
    const split = await splitOf('quality-corpus');
    const nonEmpty = (path: string) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0);
    const [train, held] = [nonEmpty(split.train), nonEmpty(split.heldOut)];
    expect(held.length).toBeGreaterThan(5);
    for (const row of rows) {
      const tokenizer = await tokenizerByName(row.tokenizer);
      const ids = held.flatMap((l) => tokenizer.encodeOrdinary(l));
      const ev = evaluate(held.join(''), ids, tokenizer);
      expect(row.tokens).toBe(ids.length);
      expect(row.bytesPerToken).toBe(ev.bytesPerToken);
      expect(row.tokensPerHan).toBe(ev.tokensPerHan);
      const model = buildModel(
        train.map((l) => tokenizer.encodeOrdinary(l)),
        { order: 5, vocabularySize: tokenizer.nVocab },
      );
      expect(row.bitsPerByte).toBeCloseTo(scoreText(model, tokenizer, held.join('\n') + '\n').bitsPerByte, 12);
      expect(row.firstLossyLine).toBe(-1);
    }
    // cl100k compresses this mixed text better than r50k
    expect(rows[1].bytesPerToken).toBeGreaterThan(rows[0].bytesPerToken);
    const html = await (await app.request(`/compare/quality?job=${job.id}`)).text();
    for (const t of TOKENIZERS) expect(html).toContain(`data-tokenizer="${t}"`);
    expect(html).toContain('bits / byte (5-gram)');
  });

  it('measures pasted text instead of the held-out split, escaped in the page', async () => {
    const text = '<script>alert(1)</script> 分词器 tokens\n第二行文本';
    const job = await finished(await postJson('/api/quality', { tokenizers: ['cl100k_base'], corpus: 'quality-corpus', text }));
    const row = job.progress.rows[0];
    const tokenizer = await tokenizerByName('cl100k_base');
    const lines = text.split('\n');
    expect(row.tokens).toBe(lines.reduce((n, l) => n + tokenizer.encodeOrdinary(l).length, 0));
    const html = await (await app.request(`/compare/quality?job=${job.id}`)).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('refuses what it cannot measure, clearly', async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{ tokenizers: [], corpus: 'quality-corpus' }, 400, /"tokenizers" must list 1 to 6/],
      [{ tokenizers: Array(7).fill('cl100k_base'), corpus: 'quality-corpus' }, 400, /1 to 6/],
      [{ tokenizers: ['no-such'], corpus: 'quality-corpus' }, 404, /unknown tokenizer "no-such"/],
      [{ tokenizers: ['cl100k_base'], corpus: 'no-such' }, 404, /unknown corpus "no-such"/],
      [{ tokenizers: ['cl100k_base'], corpus: 'quality-corpus', text: 5 }, 400, /"text" must be a string/],
      [{ tokenizers: ['cl100k_base'], corpus: 'quality-corpus', text: 'x'.repeat(1_000_001) }, 413, /limit is 1000000 bytes/],
    ];
    for (const [body, status, message] of cases) {
      const res = await postJson('/api/quality', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    const form = new URLSearchParams({ corpus: 'quality-corpus' }).toString();
    const res = await app.request('/compare/quality', {
      method: 'POST',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' },
    });
    expect(res.status).toBe(400); // htmx 4 swaps the fragment whatever its status
    expect(await res.text()).toMatch(/id="quality-error"[^>]*>&quot;tokenizers&quot; must list/);
    expect((await app.request('/compare/quality?job=nope')).status).toBe(404);
    expect((await app.request('/fragment/quality-job/nope')).status).toBe(404);
  });
});
