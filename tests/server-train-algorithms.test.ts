import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { algorithmOf, parseVocabFile } from '../src/bpe/formats/hf-vocab-json.js';
import type { JobRecord } from '../src/jobs/job-manager.js';
import type { TrainParams, TrainSnapshot } from '../src/server/train-jobs.js';
import { jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';
import { readFileSync } from 'node:fs';

useFreshDataDir('train-algorithms');
const { createApp } = await import('../src/server/app.js');
const { addUserCorpus } = await import('../src/store/user-corpora.js');
const { jobManager } = await import('../src/jobs/job-manager.js');
const { userVocabularyPath } = await import('../src/store/user-vocabularies.js');
const app = createApp();
const post = jsonPoster(app);

type Job = JobRecord<TrainParams, TrainSnapshot>;

const request = (over: Record<string, unknown>) => ({
  name: 'v',
  corpora: ['phrases'],
  vocabSize: 450,
  specials: ['<|endoftext|>'],
  ...over,
});

/** The job once no job runs or waits. */
async function finished(id: string): Promise<Job> {
  await jobManager().settled();
  return ((await (await app.request(`/api/jobs/${id}`)).json()) as { job: Job }).job;
}

async function train(over: Record<string, unknown>): Promise<Job> {
  const res = await post('/api/train', request(over));
  expect(res.status, await res.clone().text()).toBe(202);
  const job = await finished(((await res.json()) as { job: Job }).job.id);
  expect(job.state, job.message).toBe('done');
  return job;
}

beforeAll(async () => {
  const lines = [
    'by the way, we train the model',
    'in the end of the day it is the data',
    '模型在训练集上的误差 of the model',
    'as well as the loss',
  ];
  const text = Array.from({ length: 900 }, (_, i) => `${lines[i % 4]} ${i % 7}`).join('\n') + '\n';
  await addUserCorpus('phrases', new TextEncoder().encode(text));
});

afterAll(async () => {
  for (const j of jobManager().list()) jobManager().cancel(j.id);
  await jobManager().settled();
});

describe('POST /api/train with an algorithm', () => {
  it('superbpe: a version 3 SuperBPE vocabulary with its transition, superwords in the explorer’s filter', async () => {
    const job = await train({ name: 'super', algorithm: 'superbpe', transition: 350, pattern: 'gpt2' });
    expect(job.params).toMatchObject({ algorithm: 'superbpe', transition: 350 });
    const file = parseVocabFile(readFileSync(userVocabularyPath('super'), 'utf8'));
    expect(algorithmOf(file)).toBe('superbpe');
    const summary = (await (await app.request('/api/vocabularies/super')).json()) as Record<string, unknown>;
    // Stage 1 stops early on so small a corpus: the transition is where it stopped, at most the one asked for.
    const { superbpe } = summary as { superbpe: { transition: number } };
    expect(summary.algorithm).toBe('superbpe');
    expect(superbpe.transition).toBeGreaterThan(256);
    expect(superbpe.transition).toBeLessThanOrEqual(350);
    const all = await (await app.request('/vocab/super/tokens?filter=superword')).text();
    expect(all).toContain('spans whitespace (superwords)');
    expect(Number(/(\d+) tokens? match/.exec(all)?.[1])).toBeGreaterThan(0);
  });

  it('superbpe takes the paper’s transition when none is given', async () => {
    const job = await train({ name: 'super-default', algorithm: 'superbpe', pattern: 'gpt2' });
    expect(job.params.transition).toBe(Math.round((450 - 1) * 0.9));
  });

  it('unigram: a version 3 Unigram model, its stages as progress, log-probabilities in the token table', async () => {
    const job = await train({ name: 'uni', algorithm: 'unigram' });
    expect(job.message).toMatch(/saved vocabulary uni: \d+ tokens/);
    expect(job.progress?.unigram?.stage).toBe('done');
    const file = parseVocabFile(readFileSync(userVocabularyPath('uni'), 'utf8'));
    expect(algorithmOf(file)).toBe('unigram');
    const page = await (await app.request('/vocab/uni?q=e')).text();
    expect(page).toContain('log-probability');
    expect(page).toMatch(/class="num log-prob">-\d+\.\d{4}</);
    const panel = await (await app.request(`/fragment/train/${job.id}`)).text();
    expect(panel).toContain('unigram · vocabulary size 450');
  });

  it.each([
    [{ algorithm: 'wordpiece' }, /"algorithm" must be one of bpe, superbpe, unigram/],
    [{ transition: 300 }, /"transition" does not apply to algorithm bpe/],
    [{ algorithm: 'unigram', pattern: 'cjk' }, /"pattern" does not apply to algorithm unigram/],
    [{ algorithm: 'unigram', minFrequency: 2 }, /"minFrequency" does not apply to algorithm unigram/],
    [{ algorithm: 'superbpe', transition: 450 }, /"transition" must be an integer from 256 to the ordinary tokens asked for \(449\)/],
    [{ algorithm: 'superbpe', transition: 255 }, /"transition" must be an integer/],
    [{ algorithm: 'superbpe', transition: '300' }, /"transition" must be an integer/],
  ])('refuses %j with 400', async (over, message) => {
    const res = await post('/api/train', request({ name: 'refused', ...over }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('the studio’s form offers the algorithms and sends only the fields the chosen one reads', async () => {
    const page = await (await app.request('/train')).text();
    expect(page).toContain('name="algorithm"');
    expect(page).toContain('name="transition"');
    const form = new URLSearchParams({
      name: 'uni-form',
      corpora: 'phrases',
      vocabSize: '450',
      algorithm: 'unigram',
      transition: '300',
      pattern: 'cjk',
      minFrequency: '2',
      specials: '',
    });
    const res = await app.request('/train', { method: 'POST', body: form });
    expect(res.status).toBe(303);
    const id = new URL(res.headers.get('location')!, 'http://x').searchParams.get('job')!;
    expect((await finished(id)).params).toMatchObject({ algorithm: 'unigram' });
  });
});
