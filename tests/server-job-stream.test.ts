import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JobContext } from '../src/jobs/job-manager.js';
import { jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('job-stream');
const { createApp } = await import('../src/server/app.js');
const { addUserCorpus } = await import('../src/store/user-corpora.js');
const { jobManager } = await import('../src/jobs/job-manager.js');
const app = createApp();
const post = jsonPoster(app);

/** A job kind that reports when told and ends when released: the stream's changes are the test's. */
const gates = new Map<string, { report: (n: number) => void; release: () => void }>();
jobManager().define('gated', (job, ctx: JobContext<number>) => {
  return new Promise<string>((resolve, reject) => {
    gates.set(job.id, { report: (n) => ctx.report(n), release: () => resolve('released') });
    ctx.signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
  });
});

async function startGated(): Promise<string> {
  const job = jobManager().submit('gated', 'g', {});
  await expect.poll(() => gates.has(job.id)).toBe(true);
  return job.id;
}

/** Counts the job manager's subscriptions that are open. */
function watchSubscriptions(): { open: () => number } {
  let open = 0;
  const subscribe = jobManager().subscribe.bind(jobManager());
  vi.spyOn(jobManager(), 'subscribe').mockImplementation((id, listener) => {
    open++;
    const stop = subscribe(id, listener);
    return () => {
      open--;
      stop();
    };
  });
  return { open: () => open };
}

const decoder = new TextDecoder();

/** Reads the stream until `done(text so far)`. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  let text = '';
  while (!done(text)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

/** The stream's messages: each event name ('' for none) and its data lines joined. */
function messagesOf(text: string): Array<{ event: string; data: string }> {
  return text
    .split('\n\n')
    .filter((m) => m.trim() !== '')
    .map((m) => {
      const lines = m.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? '';
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { event, data };
    });
}

beforeAll(async () => {
  const lines = ['模型在训练集上的误差称为训练误差。', 'The generalization error is the expected error on new data.'];
  await addUserCorpus('small', new TextEncoder().encode(Array.from({ length: 400 }, (_, i) => `${lines[i % 2]} ${i}`).join('\n') + '\n'));
});

afterAll(async () => {
  vi.restoreAllMocks();
  for (const j of jobManager().list()) jobManager().cancel(j.id);
  await jobManager().settled();
});

describe('a job streamed as server-sent events', () => {
  it('sends each change as it comes and stops listening to the job when the client goes away', async () => {
    const subscriptions = watchSubscriptions();
    const id = await startGated();
    const reader = (await app.request(`/api/jobs/${id}/events`)).body!.getReader();
    expect(await readUntil(reader, (t) => t.includes('"state":"running"'))).toMatch(/^event: job\n/);
    expect(subscriptions.open()).toBe(1);
    gates.get(id)!.report(7);
    expect(await readUntil(reader, (t) => t.includes('"progress":7'))).toContain('"progress":7');
    await reader.cancel();
    await expect.poll(() => subscriptions.open()).toBe(0);
    expect(jobManager().get(id)!.state).toBe('running'); // the job goes on without its watcher
    gates.get(id)!.release();
    await jobManager().settled();
    vi.restoreAllMocks();
  });

  it('ends after the finished job and stops listening to it', async () => {
    const subscriptions = watchSubscriptions();
    const id = await startGated();
    const res = await app.request(`/api/jobs/${id}/events`);
    const reader = res.body!.getReader();
    await readUntil(reader, (t) => t.includes('"state":"running"'));
    gates.get(id)!.release();
    const rest = await readUntil(reader, () => false); // to the end of the stream
    expect(messagesOf(rest).at(-1)!.data).toContain('"state":"done"');
    expect(subscriptions.open()).toBe(0);
    vi.restoreAllMocks();
  });

  it('streams the training panel as HTML that keeps following the job, then the finished panel and job-end', async () => {
    const { job } = (await (await post('/api/train', { name: 'streamed', corpora: ['small'], vocabSize: 400, pattern: 'cjk' })).json()) as {
      job: { id: string };
    };
    const res = await app.request(`/fragment/train/${job.id}/events`);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const messages = messagesOf(await res.text());
    const panels = messages.filter((m) => m.event === '');
    expect(panels.length).toBeGreaterThan(1);
    // Every panel, the finished one too, keeps the stream's attributes: a morph that changed them would close the
    // stream on the page before job-end.
    for (const p of panels) {
      expect(p.data).toMatch(/<section id="job-panel"[^>]* hx-sse:connect="\/fragment\/train\/[^"]+\/events"/);
      expect(p.data).toContain('hx-swap="outerMorph"');
    }
    expect(panels.at(-1)!.data).toMatch(/<section id="job-panel"[^>]*data-state="done"/);
    expect(messages.at(-1)).toEqual({ event: 'job-end', data: 'done' });
    expect(await (await app.request(`/train?job=${job.id}`)).text()).not.toContain('hx-sse:connect'); // a finished job's page
  });

  it('renders the panel streamed on the page and polled where the stream failed', async () => {
    const { job } = (await (await post('/api/train', { name: 'slow', corpora: ['small'], vocabSize: 30000, pattern: 'cjk' })).json()) as {
      job: { id: string };
    };
    const page = await (await app.request(`/train?job=${job.id}`)).text();
    expect(page).toContain(`hx-sse:connect="/fragment/train/${job.id}/events"`);
    expect(page).toContain(`data-poll="/fragment/train/${job.id}"`);
    const polled = await (await app.request(`/fragment/train/${job.id}`)).text();
    expect(polled).toMatch(new RegExp(`<section id="job-panel"[^>]* hx-get="/fragment/train/${job.id}" hx-trigger="every 500ms"`));
    expect(polled).not.toContain('hx-sse:connect');
    jobManager().cancel(job.id);
  });

  it('answers 404 for a job it does not know', async () => {
    for (const kind of ['train', 'lm-job', 'infgram-job', 'quality-job']) {
      const path = `/fragment/${kind}/nope/events`;
      expect((await app.request(path)).status, path).toBe(404);
    }
    expect((await app.request('/fragment/model-tokenizers/qwen3/events')).status).toBe(404); // no add to follow
  });
});
