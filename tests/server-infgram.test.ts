/**
 * The ∞-gram API (/api/infgram/...) and its build job: the index holds the chosen corpora's train lines as the
 * tokenizer encodes them, every answer equals the engine's functions on the same index file, occurrences are
 * placed in their corpus lines, and bad requests are refused as the LM API refuses them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../src/jobs/job-manager.js';
import type { InfgramRecord } from '../src/store/user-infgrams.js';
import { finishedJob, jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('infgram');
const { createApp } = await import('../src/server/app.js');
const { addUserCorpus } = await import('../src/store/user-corpora.js');
const { jobManager } = await import('../src/jobs/job-manager.js');
const { splitOf } = await import('../src/server/train-jobs.js');
const { tokenizerByName } = await import('../src/store/tokenizers.js');
const { readInfiniGramFile } = await import('../src/store/infgram-files.js');
const { infgramFilePath, infgramsDir } = await import('../src/store/user-infgrams.js');
const { loadUserModel } = await import('../src/store/user-models.js');
const { count } = await import('../src/lm/infgram/count.js');
const { find } = await import('../src/lm/infgram/find.js');
const { nextTokens } = await import('../src/lm/infgram/next-tokens.js');
const { maximalSpans } = await import('../src/lm/infgram/spans.js');
const { scoreTokens } = await import('../src/lm/infgram/score.js');
const { scoreTextInterpolated } = await import('../src/lm/infgram/score-text.js');
const { scoreSequence } = await import('../src/lm/query.js');
const app = createApp();
const post = jsonPoster(app);

async function finished(id: string): Promise<JobRecord> {
  await jobManager().settled();
  return jobManager().get(id)!;
}

const build = (path: string, body: Record<string, unknown>) => finishedJob(post, path, body);

const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

const PETS = ['the cat sat on the mat', '', 'the dog sat on the log', 'a cat and a dog', '模型预测下一个词元'];
const BIRDS = ['the owl sat on the branch', 'a crow and a cat'];
const corpusText = (lines: string[], n: number) => Array.from({ length: n }, (_, i) => lines[i % lines.length]).join('\n') + '\n';
const TRACED = 'my dog sat on the mat and a crow and a cat sat on the log';

beforeAll(async () => {
  await addUserCorpus('pets', new TextEncoder().encode(corpusText(PETS, 120)));
  await addUserCorpus('birds', new TextEncoder().encode(corpusText(BIRDS, 40)));
  expect((await build('/api/infgram/build', { tokenizer: 'cl100k_base', corpora: ['pets', 'birds'], name: 'pets-ig' })).state).toBe('done');
  expect((await build('/api/lm/build', { tokenizer: 'cl100k_base', corpus: 'pets', order: 3, name: 'pets3' })).state).toBe('done');
  expect((await build('/api/lm/build', { tokenizer: 'o200k_base', corpus: 'pets', order: 2, name: 'pets-o200k' })).state).toBe('done');
}, 120_000);

afterAll(async () => {
  for (const j of jobManager().list()) jobManager().cancel(j.id);
  await jobManager().settled();
});

/** The train split's lines of a corpus, as the split cuts them. */
async function trainLines(corpus: string): Promise<string[]> {
  const lines = readFileSync((await splitOf(corpus)).train, 'utf8').split('\n');
  lines.pop();
  return lines;
}

describe('building an index', () => {
  it('indexes every train line of the corpora, in order, as the tokenizer encodes it, and records where each corpus starts', async () => {
    const { indexes } = (await (await app.request('/api/infgram')).json()) as { indexes: InfgramRecord[] };
    const r = indexes.find((x) => x.name === 'pets-ig')!;
    const cl100k = await tokenizerByName('cl100k_base');
    const pets = await trainLines('pets');
    const birds = await trainLines('birds');
    const lines = [...pets, ...birds].map((l) => cl100k.encodeOrdinary(l));
    const index = await readInfiniGramFile(infgramFilePath('pets-ig'));
    expect(index.lineCount).toBe(lines.length);
    lines.forEach((ids, l) => expect(Array.from(index.lineIds(l))).toEqual(ids));
    const tokens = lines.reduce((n, ids) => n + ids.length, 0);
    expect(r).toMatchObject({ tokenizer: 'cl100k_base', vocabularySize: cl100k.nVocab, tokens, lines: lines.length });
    expect(r.corpora.map((c) => [c.corpus, c.firstLine, c.lines])).toEqual([
      ['pets', 0, pets.length],
      ['birds', pets.length, birds.length],
    ]);
    expect(r.distinct).toBe(new Set(lines.flat()).size);
    expect(r.fileBytes).toBe(readFileSync(infgramFilePath('pets-ig')).length);
    expect(r.bytesPerToken).toBeCloseTo(r.fileBytes / tokens, 12);
    expect((await (await app.request('/api/infgram/pets-ig')).json()) as unknown).toEqual({ index: r });
    const job = jobManager()
      .list('infgram')
      .find((j) => j.name === 'pets-ig')!;
    expect(job.message).toMatch(/saved index pets-ig/);
    expect(job.progress).toMatchObject({ phase: 'saving', lines: lines.length, tokens });
  });

  it('refuses bad requests: 400 malformed, 404 unknown tokenizer or corpus, 409 a taken name', async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{ tokenizer: 'cl100k_base', corpora: [] }, 400, /corpora/],
      [{ tokenizer: 'cl100k_base', corpora: 'pets' }, 400, /corpora/],
      [{ tokenizer: 'cl100k_base', corpora: [3] }, 400, /corpora/],
      [{ corpora: ['pets'] }, 400, /tokenizer/],
      [{ tokenizer: 'cl100k_base', corpora: ['pets'], name: '../x' }, 400, /not allowed/],
      [{ tokenizer: 'cl100k_base', corpora: ['pets'], name: 7 }, 400, /name/],
      [{ tokenizer: 'nope', corpora: ['pets'] }, 404, /tokenizer/],
      [{ tokenizer: 'cl100k_base', corpora: ['pets', 'nope'] }, 404, /corpus/],
      [{ tokenizer: 'cl100k_base', corpora: ['pets'], name: 'pets-ig' }, 409, /exists/],
      [[1], 400, /JSON object/],
    ];
    for (const [body, status, message] of cases) {
      const res = await post('/api/infgram/build', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(await errorOf(res)).toMatch(message);
    }
    expect((await post('/api/infgram/build', '{not json')).status).toBe(400);
  });

  it('names an index after its corpora and tokenizer when no name is given', async () => {
    const job = await build('/api/infgram/build', { tokenizer: 'o200k_base', corpora: ['birds'] });
    expect([job.state, job.name]).toEqual(['done', 'birds.o200k_base']);
    expect((await app.request('/api/infgram/birds.o200k_base', { method: 'DELETE' })).status).toBe(200);
    expect((await app.request('/api/infgram/birds.o200k_base')).status).toBe(404);
    expect((await app.request('/api/infgram/birds.o200k_base', { method: 'DELETE' })).status).toBe(404);
    expect(readdirSync(infgramsDir()).filter((f) => f.startsWith('birds.o200k_base'))).toEqual([]);
  });
});

describe('the build job', () => {
  it('reports its progress and, cancelled, saves no index', async () => {
    const res = await post('/api/infgram/build', { tokenizer: 'cl100k_base', corpora: ['wordnet-en'], name: 'cancelled' });
    const { job } = (await res.json()) as { job: JobRecord };
    await new Promise<void>((resolve) => {
      const stop = jobManager().subscribe(job.id, (j) => {
        if (j.progress === null) return;
        stop();
        resolve();
      });
    });
    const panel = await (await app.request(`/fragment/infgram-job/${job.id}`)).text();
    expect(panel).toContain('hx-trigger="every 500ms"');
    expect(panel).toMatch(/id="ig-progress-text">tokenizing the corpora · [\d.]+ (B|KiB|MiB) of 1\.\d MiB read/);
    expect((await app.request(`/fragment/infgram-job/${job.id}/cancel`, { method: 'POST' })).status).toBe(200);
    const done = await finished(job.id);
    expect(done.state).toBe('cancelled');
    expect((await app.request('/api/infgram/cancelled')).status).toBe(404);
    expect(readdirSync(infgramsDir()).filter((f) => f.startsWith('cancelled'))).toEqual([]);
    expect((await app.request('/fragment/infgram-job/nope/cancel', { method: 'POST' })).status).toBe(404);
  });

  it('fails on corpora with no text, leaving no index', async () => {
    await addUserCorpus('blank', new TextEncoder().encode('\n'.repeat(50)));
    const job = await build('/api/infgram/build', { tokenizer: 'cl100k_base', corpora: ['blank'], name: 'blank-ig' });
    expect(job.state).toBe('failed');
    expect(job.message).toMatch(/has no text/);
    expect((await app.request('/api/infgram/blank-ig')).status).toBe(404);
    expect(readdirSync(infgramsDir()).filter((f) => f.startsWith('blank-ig'))).toEqual([]);
  });

  it('answers 429 when the queue is full', async () => {
    const jobs = jobManager();
    jobs.define(
      'block',
      (_job, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('cancelled')))),
    );
    const blockers = Array.from({ length: jobs.maxRunning + jobs.maxQueued }, (_, i) => jobs.submit('block', `b${i}`, {}));
    const res = await post('/api/infgram/build', { tokenizer: 'cl100k_base', corpora: ['pets'], name: 'waits' });
    expect(res.status).toBe(429);
    expect(await errorOf(res)).toMatch(/too many jobs/);
    for (const b of blockers) jobs.cancel(b.id);
    await jobs.settled();
  });
});

describe('querying an index', () => {
  const ask = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await post(`/api/infgram/pets-ig/${path}`, body);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as T;
  };
  const engine = async () => ({
    index: await readInfiniGramFile(infgramFilePath('pets-ig')),
    cl100k: await tokenizerByName('cl100k_base'),
  });

  it('counts ids and texts as count() does', async () => {
    const { index, cl100k } = await engine();
    for (const text of ['the cat', ' sat on the', 'the owl sat', 'cat dog', '模型', 'zebra', '']) {
      const ids = cl100k.encodeOrdinary(text);
      const byText = await ask<{ count: number; tokens: Array<{ id: number }> }>('count', { text });
      expect(byText.tokens.map((t) => t.id)).toEqual(ids);
      expect(byText.count, text).toBe(count(index, ids));
      expect((await ask<{ count: number }>('count', { ids })).count).toBe(count(index, ids));
    }
  });

  it('gives the next tokens after the longest suffix as nextTokens() does, the k most frequent', async () => {
    const { index, cl100k } = await engine();
    for (const text of ['my cat sat on the', 'a crow and a', 'zebra', '', 'the']) {
      const ids = cl100k.encodeOrdinary(text);
      const n = nextTokens(index, ids);
      const got = await ask<{
        suffixLength: number;
        count: number;
        distinct: number;
        next: Array<{ id: number; count: number; prob: number }>;
      }>('next', { text, k: 2 });
      expect([got.suffixLength, got.count, got.distinct]).toEqual([n.suffixLength, n.count, n.ids.length]);
      expect(got.next).toEqual(
        Array.from(n.ids.slice(0, 2), (id, i) => expect.objectContaining({ id, count: n.counts[i], prob: n.counts[i] / n.count })),
      );
    }
  });

  it('pages occurrences as find() does, each placed in its corpus line', async () => {
    const { index, cl100k } = await engine();
    const ids = cl100k.encodeOrdinary(' cat');
    const page = await ask<{ count: number; occurrences: Array<{ line: number; token: number; corpus: string; corpusLine: number }> }>(
      'find',
      { ids, offset: 3, limit: 200 },
    );
    const f = find(index, ids, { offset: 3, limit: 200 });
    expect(page.count).toBe(f.count);
    expect(page.occurrences.map(({ line, token }) => ({ line, token }))).toEqual(f.occurrences);
    const pets = (await trainLines('pets')).length;
    expect(page.occurrences.some((o) => o.corpus === 'birds')).toBe(true);
    for (const o of page.occurrences) expect([o.corpus, o.corpusLine]).toEqual(o.line < pets ? ['pets', o.line] : ['birds', o.line - pets]);
  });

  it('traces the maximal spans of a text as maximalSpans() does, and a line route gives each occurrence’s corpus line', async () => {
    const { index, cl100k } = await engine();
    const ids = cl100k.encodeOrdinary(TRACED);
    const t = await ask<{ spans: Array<{ start: number; end: number; count: number; first: Array<{ line: number; token: number }> }> }>(
      'trace',
      { text: TRACED, minLength: 2, first: 2 },
    );
    const spans = maximalSpans(index, ids, { minLength: 2, firstOccurrences: 2 });
    expect(t.spans.map((s) => ({ ...s, first: s.first.map(({ line, token }) => ({ line, token })) }))).toEqual(spans);
    expect(spans.length).toBeGreaterThan(1);
    const all = [...(await trainLines('pets')), ...(await trainLines('birds'))];
    for (const s of t.spans)
      for (const o of s.first) {
        const line = (await (await app.request(`/api/infgram/pets-ig/line?line=${o.line}`)).json()) as {
          text: string;
          tokens: Array<{ id: number }>;
        };
        expect(line.text).toBe(all[o.line]);
        // the span's tokens stand at the occurrence's offset in that line
        expect(line.tokens.slice(o.token, o.token + s.end - s.start).map((x) => x.id)).toEqual(ids.slice(s.start, s.end));
      }
  });

  it('scores a text per token as scoreTokens() does, interpolated with a model as scoreTextInterpolated() does', async () => {
    const { index, cl100k } = await engine();
    const model = await loadUserModel('pets3');
    const text = 'the cat sat on the log\n\na crow and a zebra';
    const s = await ask<{
      model: string;
      totals: { bitsPerByte: number; modelBitsPerByte: number; meanSuffixLength: number; seenShare: number; tokens: number };
      lines: Array<Array<{ id: number; suffixLength: number; infgramProb: number; sparse: boolean; prob: number }>>;
    }>('score', { text, model: 'pets3' });
    const expected = scoreTextInterpolated(index, model, cl100k, text);
    expect(s.totals).toMatchObject({ tokens: expected.tokens, meanSuffixLength: expected.meanSuffixLength, seenShare: expected.seenShare });
    expect(s.totals.bitsPerByte).toBeCloseTo(expected.bitsPerByte, 12);
    expect(s.totals.modelBitsPerByte).toBeCloseTo(expected.modelBitsPerByte, 12);
    const lines = text.split('\n').filter((l) => l !== '');
    expect(s.lines).toHaveLength(lines.length);
    lines.forEach((line, k) => {
      const ids = cl100k.encodeOrdinary(line);
      const kn = scoreSequence(model, ids).scores;
      const e = scoreTokens(
        index,
        ids,
        Float64Array.from(ids, (_, i) => 2 ** kn[i].log2prob),
      );
      expect(s.lines[k].map((t) => [t.id, t.suffixLength, t.infgramProb, t.sparse, t.prob])).toEqual(
        ids.map((id, i) => [id, e.suffixLengths[i], e.infgramProbs[i], e.sparse[i] === 1, e.probs[i]]),
      );
    });
    const alone = await ask<{ model: null; totals: { bitsPerByte: null }; lines: Array<Array<{ prob: null; suffixLength: number }>> }>(
      'score',
      { text },
    );
    expect([alone.model, alone.totals.bitsPerByte, alone.lines[0][0].prob]).toEqual([null, null, null]);
    expect(alone.lines.flat().map((t) => t.suffixLength)).toEqual(s.lines.flat().map((t) => t.suffixLength));
  });

  it('refuses bad queries: 404 unknown index or model, 400 bad fields, 409 a model of another tokenizer, 413 too much', async () => {
    const cases: Array<[string, unknown, number, RegExp]> = [
      ['/api/infgram/nope/count', { text: 'x' }, 404, /no index/],
      ['/api/infgram/pets-ig/count', {}, 400, /"ids".*"text"/],
      ['/api/infgram/pets-ig/count', { ids: [1, -1] }, 400, /token ids/],
      ['/api/infgram/pets-ig/count', { ids: [1e9] }, 400, /token ids/],
      ['/api/infgram/pets-ig/count', { ids: 'abc' }, 400, /token ids/],
      ['/api/infgram/pets-ig/count', { text: 5 }, 400, /"text" must be a string/],
      ['/api/infgram/pets-ig/count', [1], 400, /JSON object/],
      ['/api/infgram/pets-ig/next', { text: 'a', k: 0 }, 400, /"k"/],
      ['/api/infgram/pets-ig/find', { text: 'a', limit: 100_000 }, 400, /"limit"/],
      ['/api/infgram/pets-ig/find', { text: 'a', offset: -1 }, 400, /"offset"/],
      ['/api/infgram/pets-ig/trace', { text: 'a', minLength: 0 }, 400, /"minLength"/],
      ['/api/infgram/pets-ig/score', { text: 'a', model: 'nope' }, 404, /no model/],
      ['/api/infgram/pets-ig/score', { text: 'a', model: 3 }, 400, /"model"/],
      ['/api/infgram/pets-ig/score', { text: 'a', model: 'pets-o200k' }, 409, /tokenizer o200k_base/],
      ['/api/infgram/pets-ig/score', { ids: [1] }, 400, /"text" must be a string/],
      ['/api/infgram/pets-ig/count', { text: 'a'.repeat(100_001) }, 413, /limit/],
      ['/api/infgram/pets-ig/count', { ids: Array(100_001).fill(1) }, 413, /limit/],
    ];
    for (const [path, body, status, message] of cases) {
      const res = await post(path, body);
      expect(res.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(status);
      expect(await errorOf(res)).toMatch(message);
    }
    const lines = (await readInfiniGramFile(infgramFilePath('pets-ig'))).lineCount;
    expect((await app.request(`/api/infgram/pets-ig/line?line=${lines}`)).status).toBe(400);
    expect((await app.request('/api/infgram/pets-ig/line?line=x')).status).toBe(400);
    expect((await app.request('/api/infgram/nope/line?line=0')).status).toBe(404);
  });

  it('refuses a corpus line with 409 once its corpus has changed', async () => {
    await addUserCorpus('changing', new TextEncoder().encode(corpusText(BIRDS, 20)));
    expect((await build('/api/infgram/build', { tokenizer: 'cl100k_base', corpora: ['changing'], name: 'changing-ig' })).state).toBe(
      'done',
    );
    expect((await app.request('/api/infgram/changing-ig/line?line=1')).status).toBe(200);
    await addUserCorpus('changing', new TextEncoder().encode(corpusText(PETS, 20)));
    const res = await app.request('/api/infgram/changing-ig/line?line=1');
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatch(/corpus changing has changed since index changing-ig was built/);
  });
});
