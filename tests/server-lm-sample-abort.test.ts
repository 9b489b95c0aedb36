/**
 * A streamed sample stops being drawn when its reader goes away: the model page's stream does not go on sampling
 * up to the length asked for nobody. The sampler's generator is wrapped to count the tokens drawn.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as LmData from '../src/server/lm-data.js';
import { finishedJob, jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';

const drawn = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src/server/lm-data.js', async (importOriginal) => {
  const original = await importOriginal<typeof LmData>();
  return {
    ...original,
    sampling: (...args: Parameters<typeof original.sampling>) => {
      const { prompt, tokens } = original.sampling(...args);
      function* counted() {
        for (let next = tokens.next(); ; next = tokens.next()) {
          if (next.done) return next.value;
          drawn.count++;
          yield next.value;
        }
      }
      return { prompt, tokens: counted() };
    },
  };
});

useFreshDataDir('lm-abort');
const { createApp } = await import('../src/server/app.js');
const { addUserCorpus } = await import('../src/store/user-corpora.js');
const { jobManager } = await import('../src/jobs/job-manager.js');
const { MAX_SAMPLE_TOKENS } = await import('../src/server/lm-data.js');
const app = createApp();
const post = jsonPoster(app);

// Long lines of a ten-word cycle: the model rarely ends a sample, so one asked for the longest length runs long.
const LINE = 'alpha beta gamma delta epsilon zeta eta theta iota kappa '.repeat(300).trim();

beforeAll(async () => {
  await addUserCorpus('cycle', new TextEncoder().encode(Array.from({ length: 40 }, () => LINE).join('\n') + '\n'));
  const job = await finishedJob(post, '/api/lm/build', { tokenizer: 'cl100k_base', corpus: 'cycle', order: 3, name: 'cycle3' });
  expect(job.state).toBe('done');
}, 120_000);

afterAll(async () => {
  await jobManager().settled();
});

describe('a streamed sample whose reader goes away', () => {
  it('stops drawing tokens', async () => {
    const fields = { prompt: 'alpha', seed: '3', length: String(MAX_SAMPLE_TOKENS), temperature: '1' };
    const whole = (await (
      await post('/api/lm/cycle3/sample', { ...fields, seed: 3, length: MAX_SAMPLE_TOKENS, temperature: 1 })
    ).json()) as {
      tokens: unknown[];
    };
    expect(whole.tokens.length, 'the same sample unread runs long').toBeGreaterThan(MAX_SAMPLE_TOKENS / 2);

    drawn.count = 0;
    const streamed = await app.request('/fragment/lm/cycle3/sample', {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'HX-Request': 'true', accept: 'text/html, text/event-stream' },
    });
    expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = streamed.body!.getReader();
    for (let i = 0; i < 3; i++) expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const atCancel = drawn.count;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(drawn.count).toBe(atCancel);
    expect(atCancel).toBeLessThan(20);
  });
});
