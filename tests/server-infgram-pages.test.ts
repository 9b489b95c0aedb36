/**
 * The ∞-gram pages: the section on /lm (indexes, build form, job panel), an index's four views (each drawing
 * what the API answers, pasted text escaped), the Kneser-Ney view beside the surprisal view, and the corpus
 * line an occurrence links to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedJob, jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('infgram-pages');
const { createApp } = await import('../src/server/app.js');
const { addUserCorpus } = await import('../src/store/user-corpora.js');
const { jobManager } = await import('../src/jobs/job-manager.js');
const app = createApp();
const post = jsonPoster(app);

const SCRIPT = '<script>alert(1)</script>';
const LINES = ['the cat sat on the mat', `a cat said ${SCRIPT} twice`, 'the dog sat on the log', 'a cat and a dog'];
const TEXT = `my dog sat on the mat and a cat said ${SCRIPT}`;

const build = (path: string, body: Record<string, unknown>) => finishedJob(post, path, body);

beforeAll(async () => {
  await addUserCorpus('pets', new TextEncoder().encode(Array.from({ length: 80 }, (_, i) => LINES[i % LINES.length]).join('\n') + '\n'));
  expect((await build('/api/infgram/build', { tokenizer: 'cl100k_base', corpora: ['pets'], name: 'pets-ig' })).state).toBe('done');
  expect((await build('/api/lm/build', { tokenizer: 'cl100k_base', corpus: 'pets', order: 3, name: 'pets3' })).state).toBe('done');
}, 120_000);

afterAll(async () => {
  for (const j of jobManager().list()) jobManager().cancel(j.id);
  await jobManager().settled();
});

const page = async (path: string, status = 200) => {
  const res = await app.request(path);
  expect(res.status, path).toBe(status);
  return res.text();
};
const view = (v: string, fields: Record<string, string>) => page(`/lm/infgram/pets-ig?${new URLSearchParams({ view: v, ...fields })}`);
const api = async <T>(path: string, body: unknown) => (await (await post(`/api/infgram/pets-ig/${path}`, body)).json()) as T;
const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;';

describe('the /lm section', () => {
  it('lists the index and offers the build form with the corpora to choose', async () => {
    const html = await page('/lm');
    expect(html).toMatch(/<section id="infgram">[\s\S]*<table id="ig-indexes"[\s\S]*href="\/lm\/infgram\/pets-ig"/);
    expect(html).toMatch(/<form id="ig-build-form"[\s\S]*<input type="checkbox" name="corpora" value="pets"/);
  });

  it('starts a build: a plain post is redirected to the job, htmx gets the panel with the job list beside it', async () => {
    const form = (fields: Array<[string, string]>, htmx: boolean) =>
      app.request('/lm/infgram', { method: 'POST', body: new URLSearchParams(fields), headers: htmx ? { 'HX-Request': 'true' } : {} });
    const plain = await form(
      [
        ['tokenizer', 'o200k_base'],
        ['corpora', 'pets'],
        ['corpora', 'ts-messages-zh'],
        ['name', 'two'],
      ],
      false,
    );
    expect(plain.status).toBe(303);
    const id = new URL(plain.headers.get('location')!, 'http://x').searchParams.get('job')!;
    await jobManager().settled();
    expect(jobManager().get(id)).toMatchObject({ state: 'done', params: { corpora: ['pets', 'ts-messages-zh'] } });
    const panel = await page(`/fragment/infgram-job/${id}`);
    expect(panel).toContain('id="ig-job-panel"');
    expect(panel).not.toContain('hx-trigger="every 500ms"');
    expect(panel).toMatch(/<table id="ig-indexes"[^>]*hx-swap-oob="true"[\s\S]*two/);
    expect(await page(`/lm?job=${id}`)).toMatch(/id="ig-job-panel"[\s\S]*id="ig-open" href="\/lm\/infgram\/two"/);
    const htmx = await form(
      [
        ['tokenizer', 'cl100k_base'],
        ['corpora', 'pets'],
        ['name', 'by-htmx'],
      ],
      true,
    );
    expect(htmx.headers.get('HX-Replace-Url')).toMatch(/^\/lm\?job=/);
    expect(await htmx.text()).toMatch(/id="ig-job-panel"[\s\S]*id="ig-job-list"[^>]*hx-swap-oob="true"/);
    await jobManager().settled();
  });

  it('shows a refusal with its status: the page for a plain post, a fragment for htmx', async () => {
    const fields = { tokenizer: 'cl100k_base', corpora: 'pets', name: SCRIPT };
    const plain = await app.request('/lm/infgram', { method: 'POST', body: new URLSearchParams(fields) });
    expect(plain.status).toBe(400);
    const html = await plain.text();
    expect(html).toMatch(/<div id="ig-job"><p class="error">index name .* is not allowed/);
    expect(html).not.toContain(SCRIPT);
    const htmx = await app.request('/lm/infgram', {
      method: 'POST',
      body: new URLSearchParams({ ...fields, name: 'x', corpora: 'nope' }),
      headers: { 'HX-Request': 'true' },
    });
    expect(htmx.status).toBe(404);
    expect(await htmx.text()).toMatch(/class="error">unknown corpus/);
  });
});

describe('an index page', () => {
  it('colours each token by the suffix length the API gives it, with a legend, pasted text escaped', async () => {
    const html = await view('surprisal', { text: TEXT });
    const s = await api<{ lines: Array<Array<{ suffixLength: number }>> }>('score', { text: TEXT });
    expect([...html.matchAll(/data-suffix="(\d+)"/g)].map((m) => Number(m[1]))).toEqual(s.lines.flat().map((t) => t.suffixLength));
    expect(html).toContain('id="ig-legend"');
    expect(html).not.toContain(SCRIPT);
    expect(html).toContain(escaped); // the text area
    expect(html).not.toContain('class="lm-two ig-beside"'); // no model chosen
  });

  it('puts the Kneser-Ney model’s surprisal view beside it, with the interpolated and the model’s bits per byte', async () => {
    const html = await view('surprisal', { text: TEXT, model: 'pets3' });
    const s = await api<{ totals: { bitsPerByte: number; modelBitsPerByte: number } }>('score', { text: TEXT, model: 'pets3' });
    const lm = (await (await post('/api/lm/pets3/score', { text: TEXT })).json()) as { totals: { bitsPerByte: number } };
    expect(html).toMatch(/class="lm-two ig-beside"[\s\S]*Kneser-Ney: pets3[\s\S]*id="lm-totals"/);
    expect(html).toContain(`id="ig-bpb">${s.totals.bitsPerByte.toFixed(3)}<`);
    expect(html).toContain(`id="lm-bpb">${lm.totals.bitsPerByte.toFixed(3)}<`);
    expect(s.totals.modelBitsPerByte).toBeCloseTo(lm.totals.bitsPerByte, 12);
    expect(html).toMatch(/<option value="pets3" selected="">pets3<\/option>/);
  });

  it('counts a text and lists its first occurrences, each linking to its corpus line', async () => {
    const html = await view('count', { text: ' cat sat', offset: '2' });
    const f = await api<{ count: number; occurrences: Array<{ line: number; token: number }> }>('find', { text: ' cat sat', offset: 2 });
    expect(html).toContain(`id="ig-count">${f.count}<`);
    const links = [...html.matchAll(/class="ig-occ" href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    expect(links).toEqual(f.occurrences.map((o) => `/lm/infgram/pets-ig/line?line=${o.line}&token=${o.token}&length=2`));
    expect(html).toMatch(/<ol id="ig-occurrences" start="3">/);
  });

  it('shows the next tokens after the longest suffix with its length and count', async () => {
    const html = await view('next', { text: 'my dog sat on the', k: '3' });
    const n = await api<{ suffixLength: number; count: number; next: Array<{ id: number }> }>('next', { text: 'my dog sat on the', k: 3 });
    expect(html).toContain(`id="ig-suffix-length">${n.suffixLength}<`);
    expect(html).toContain(`id="ig-next-count">${n.count}<`);
    expect(html.match(/<tr><td><code class="tok">/g)).toHaveLength(n.next.length);
  });

  it('traces the spans of a pasted text, marks their tokens, and links each first occurrence to its line', async () => {
    const html = await view('trace', { text: TEXT, minLength: '3' });
    const t = await api<{ spans: Array<{ start: number; end: number; first: Array<{ line: number; token: number }> }> }>('trace', {
      text: TEXT,
      minLength: 3,
    });
    expect(t.spans.length).toBeGreaterThan(1);
    expect(html.match(/class="ig-span"/g)).toHaveLength(t.spans.length);
    const covered = new Set(t.spans.flatMap((s) => Array.from({ length: s.end - s.start }, (_, i) => s.start + i)));
    expect(html.match(/class="lm-tok ig-covered"/g)).toHaveLength(covered.size);
    expect(html).not.toContain(SCRIPT);
    const last = t.spans.at(-1)!; // "a cat said <script>…": its line holds the script text
    const line = await page(
      `/lm/infgram/pets-ig/line?line=${last.first[0].line}&token=${last.first[0].token}&length=${last.end - last.start}`,
    );
    expect(line).toContain(`<pre class="ig-line-text" id="ig-line-text">a cat said ${escaped} twice</pre>`);
    expect(line).not.toContain(SCRIPT);
    expect(line.match(/class="lm-tok ig-covered"/g)).toHaveLength(last.end - last.start);
  });

  it('answers a view’s fragment with its result and the page’s URL for it; a refusal is a fragment with its status', async () => {
    const res = await app.request('/fragment/infgram/pets-ig/count', { method: 'POST', body: new URLSearchParams({ text: 'the cat' }) });
    expect(res.headers.get('HX-Replace-Url')).toBe('/lm/infgram/pets-ig?view=count&text=the+cat');
    expect(await res.text()).toMatch(/id="ig-count">\d+</);
    const bad = await app.request('/fragment/infgram/pets-ig/trace', {
      method: 'POST',
      body: new URLSearchParams({ text: 'x', minLength: '0' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/id="ig-error">&quot;minLength&quot; must be an integer/);
    expect((await app.request('/fragment/infgram/pets-ig/nope', { method: 'POST', body: new URLSearchParams({}) })).status).toBe(404);
  });

  it('refuses an unknown index (404) and a bad line (400); deletes an index from its page', async () => {
    expect(await page('/lm/infgram/nope', 404)).toMatch(/no index &quot;nope&quot;/);
    // The build form's address, reloaded: the indexes' section of /lm, not "no model".
    const list = await app.request('/lm/infgram');
    expect([list.status, list.headers.get('location')]).toEqual([302, '/lm#infgram']);
    await page('/lm/infgram/pets-ig/line?line=100000', 400);
    const del = await app.request('/lm/infgram/by-htmx/delete', { method: 'POST' });
    expect(del.status).toBe(303);
    await page('/lm/infgram/by-htmx', 404);
    expect((await app.request('/lm/infgram/by-htmx/delete', { method: 'POST' })).status).toBe(404);
  });
});
