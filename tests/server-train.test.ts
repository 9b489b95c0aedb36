import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../src/jobs/job-manager.js';
import type { TrainParams, TrainSnapshot } from '../src/server/train-jobs.js';
import { jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('train');
const { createApp } = await import('../src/server/app.js');
const { addUserCorpus } = await import('../src/store/user-corpora.js');
const { jobManager } = await import('../src/jobs/job-manager.js');
const app = createApp();

type Job = JobRecord<TrainParams, TrainSnapshot>;

const post = jsonPoster(app);

const request = (over: Record<string, unknown>) => ({
  name: 'v',
  corpora: ['small'],
  vocabSize: 400,
  pattern: 'cjk',
  minFrequency: 2,
  specials: ['<|endoftext|>'],
  ...over,
});

async function finished(id: string): Promise<Job> {
  let job: Job | undefined;
  await expect
    .poll(
      async () => {
        job = ((await (await app.request(`/api/jobs/${id}`)).json()) as { job: Job }).job;
        return ['done', 'failed', 'cancelled'].includes(job.state);
      },
      { timeout: 60_000, interval: 50 },
    )
    .toBe(true);
  return job!;
}

beforeAll(async () => {
  const lines = [
    '模型在训练集上的误差称为训练误差。',
    'The generalization error is the expected error on new data.',
    '分词器把文本切成词元 tokens.',
  ];
  await addUserCorpus('small', new TextEncoder().encode(Array.from({ length: 600 }, (_, i) => `${lines[i % 3]} ${i}`).join('\n') + '\n'));
});

afterAll(async () => {
  for (const j of jobManager().list()) jobManager().cancel(j.id);
  await jobManager().settled();
});

describe('POST /api/train', () => {
  it('trains in the background: 202 with the job, progress with a compression curve, then the vocabulary in every chooser', async () => {
    const res = await post('/api/train', request({ name: 'tiny' }));
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as { job: Job };
    expect(job).toMatchObject({ kind: 'train', name: 'tiny', params: { corpora: ['small'], vocabSize: 400, pattern: 'cjk' } });
    const done = await finished(job.id);
    expect(done.state).toBe('done');
    expect(done.message).toMatch(/saved vocabulary tiny/);
    const s = done.progress!;
    expect(s.merges).toBeGreaterThan(0);
    expect(s.latest.length).toBeGreaterThan(0);
    expect(s.curve.length).toBeGreaterThan(2);
    expect(s.curve[0].bytesPerToken).toBeGreaterThanOrEqual(1);
    expect(s.curve.at(-1)!.bytesPerToken).toBeGreaterThan(s.curve[0].bytesPerToken); // merges compress the held-out text
    const { tokenizers } = (await (await app.request('/api/tokenizers')).json()) as { tokenizers: { name: string; kind: string }[] };
    expect(tokenizers).toContainEqual({ name: 'tiny', kind: 'user' });
    const tokenized = (await (await post('/api/tokenize', { text: '训练误差', tokenizer: 'tiny' })).json()) as { count: number };
    expect(tokenized.count).toBeLessThan(12); // 4 Han characters are 12 bytes: merges make them fewer tokens
    expect(((await (await app.request('/api/jobs')).json()) as { jobs: Job[] }).jobs.map((j) => j.id)).toContain(job.id);
  });

  it('refuses a name that is taken (409), by a vocabulary or a built-in tokenizer', async () => {
    expect((await post('/api/train', request({ name: 'tiny' }))).status).toBe(409);
    const builtIn = await post('/api/train', request({ name: 'cl100k_base' }));
    expect(builtIn.status).toBe(400);
    expect(((await builtIn.json()) as { error: string }).error).toMatch(/built-in/);
  });

  it('refuses malformed requests with 400 and names what is wrong', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [request({ vocabSize: 100 }), /vocabSize/],
      [request({ vocabSize: 10_000_000 }), /vocabSize/],
      [request({ vocabSize: '400' }), /vocabSize/],
      [request({ pattern: '\\w+' }), /pattern/],
      [request({ corpora: [] }), /corpora/],
      [request({ name: '../etc' }), /not allowed/],
      [request({ minFrequency: -1 }), /minFrequency/],
      [request({ specials: ['a', 'a'] }), /differ/],
      [request({ specials: [''] }), /specials/],
      [[1, 2], /object/],
    ];
    for (const [body, message] of cases) {
      const res = await post('/api/train', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    expect((await post('/api/train', '{"name":')).status).toBe(400);
  });

  it('answers 404 for an unknown corpus and an unknown job', async () => {
    const res = await post('/api/train', request({ name: 'x', corpora: ['no-such-corpus'] }));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/no-such-corpus/);
    expect((await app.request('/api/jobs/nope')).status).toBe(404);
    expect((await post('/api/jobs/nope/cancel', {})).status).toBe(404);
  });

  it('queues jobs behind the running one, answers 429 when the queue is full, and cancels', async () => {
    const big = (name: string) => request({ name, corpora: ['wordnet-en', 'ts-messages-zh-en'], vocabSize: 60_000, minFrequency: 0 });
    const accepted: Job[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 8 && refused === undefined; i++) {
      const res = await post('/api/train', big(`big-${i}`));
      if (res.status === 429) refused = res;
      else accepted.push(((await res.json()) as { job: Job }).job);
    }
    expect(accepted.map((j) => j.state)).toEqual(['running', 'queued', 'queued', 'queued', 'queued']);
    expect(((await refused!.json()) as { error: string }).error).toMatch(/too many jobs: 1 running and 4 queued/);
    const panel = await (await app.request(`/fragment/train/${accepted[0].id}`)).text();
    expect(panel).toContain('hx-trigger="every 500ms"');
    expect(panel).toMatch(/<table id="job-list" class="jobs" hx-swap-oob="true">[\s\S]*big-0/); // the list follows the panel
    for (const j of accepted.slice().reverse()) {
      const res = await post(`/api/jobs/${j.id}/cancel`, {});
      expect(res.status).toBe(200);
    }
    expect((await finished(accepted[0].id)).state).toBe('cancelled');
    expect((await finished(accepted[4].id)).message).toMatch(/before it started/);
    const after = await (await app.request(`/fragment/train/${accepted[0].id}`)).text();
    expect(after).not.toContain('hx-trigger');
  });

  it('streams a running job as server-sent events, one per change, ending when it is finished', async () => {
    const { job } = (await (await post('/api/train', request({ name: 'streamed' }))).json()) as { job: Job };
    const text = await (await app.request(`/api/jobs/${job.id}/events`)).text();
    const states = [...text.matchAll(/^data: (.*)$/gm)].map((m) => (JSON.parse(m[1]) as Job).state);
    expect(states.length).toBeGreaterThan(1);
    expect(states.at(-1)).toBe('done');
    expect(states.slice(0, -1).every((s) => s === 'running' || s === 'queued')).toBe(true);
  });

  it('streams a job as server-sent events, ending when it is finished', async () => {
    const job = jobManager()
      .list('train')
      .find((j) => j.state === 'done')!;
    const res = await app.request(`/api/jobs/${job.id}/events`);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await res.text();
    expect(text).toMatch(/^event: job\ndata: \{.*"state":"done"/);
  });
});

describe('the /train page', () => {
  it('offers the bundled and the user corpora, the fixed patterns and the recent jobs', async () => {
    const html = await (await app.request('/train')).text();
    expect(html).toContain('value="wordnet-en"');
    expect(html).toContain('value="small"');
    for (const p of ['cjk', 'cl100k', 'o200k', 'gpt2']) expect(html).toContain(`<option value="${p}"`);
    expect(html).toContain('id="job-list"');
    expect(html).toContain('>tiny</a>');
  });

  it('a form post starts a job (303 to its page); htmx gets the panel; errors are escaped', async () => {
    const form = (fields: Record<string, string | string[]>) => {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const x of ([] as string[]).concat(v)) body.append(k, x);
      return body;
    };
    const fields = { name: 'from-form', corpora: ['small'], vocabSize: '300', pattern: 'gpt2', minFrequency: '2', specials: '' };
    const res = await app.request('/train', { method: 'POST', body: form(fields) });
    expect(res.status).toBe(303);
    const id = new URL(res.headers.get('location')!, 'http://x').searchParams.get('job')!;
    expect((await finished(id)).state).toBe('done');
    const page = await (await app.request(`/train?job=${id}`)).text();
    expect(page).toContain('href="/vocab/from-form"');
    expect(page).toContain('href="/?tokenizer=from-form"');

    const htmx = await app.request('/train', {
      method: 'POST',
      body: form({ ...fields, name: 'via-htmx' }),
      headers: { 'HX-Request': 'true' },
    });
    expect(htmx.status).toBe(200);
    expect(await htmx.text()).toContain('id="job-panel"');

    const none = await app.request('/train', {
      method: 'POST',
      body: form({ ...fields, name: 'no-corpus', corpora: [] }),
      headers: { 'HX-Request': 'true' },
    });
    expect(none.status).toBe(400); // the error is the fragment, which htmx 4 swaps in whatever its status
    expect(await none.text()).toMatch(/<p class="error">&quot;corpora&quot; must be a non-empty list/);

    const evil = await app.request('/train', { method: 'POST', body: form({ ...fields, name: '<img src=x onerror=alert(1)>' }) });
    expect(evil.status).toBe(400);
    const html = await evil.text();
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x');
    expect((await app.request('/train?job=nope')).status).toBe(404);
  });
});
