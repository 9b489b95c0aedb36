import { describe, expect, it } from 'vitest';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('server-corpora');
const { createApp } = await import('../src/server/app.js');
const { MAX_UPLOAD_BYTES } = await import('../src/server/corpora-routes.js');
const app = createApp();

function upload(fields: Record<string, string>, file?: Uint8Array | string, path = '/corpora') {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file !== undefined) form.append('file', new Blob([file]), 'corpus.txt');
  return app.request(path, { method: 'POST', body: form });
}

describe('/corpora', () => {
  it('lists the bundled corpora with statistics and their split', async () => {
    const html = await (await app.request('/corpora')).text();
    expect(html).toContain('id="bundled-corpora"');
    expect(html).toMatch(/wordnet-en[\s\S]*MiB \/ [\d.]+ KiB/);
    expect(html).toContain('id="corpus-form"');
    expect(html).toContain('None yet.');
  });

  it('adds an uploaded file, shows its preview and statistics; deletes it', async () => {
    const text = '第一行：分词器。\nsecond line, English\n第三行 mixed 文本\n';
    const res = await upload({ name: 'notes' }, text);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/corpora?added=notes');
    const html = await (await app.request('/corpora?added=notes')).text();
    expect(html).toContain('id="corpus-added"');
    expect(html).toContain('<code>second line, English</code>');
    expect(html.match(/<li><code>/g)).toHaveLength(3);
    expect(html).toMatch(/<td>notes<\/td><td>\d+ B<\/td><td>\d+<\/td><td>3<\/td>/);
    const preview = await (await app.request('/corpora/notes/preview')).text();
    expect(preview).toContain('<code>第一行：分词器。</code>');
    expect((await app.request('/corpora/nope/preview')).status).toBe(404);
    expect((await app.request('/corpora/notes/delete', { method: 'POST' })).status).toBe(303);
    expect(await (await app.request('/corpora')).text()).toContain('None yet.');
    expect((await app.request('/corpora/tang-poems/delete', { method: 'POST' })).status).toBe(404);
  });

  it('adds pasted text; the new corpus is offered for training at once', async () => {
    expect((await upload({ name: 'pasted', text: 'line one\r\nline two\r\n' })).status).toBe(303);
    expect(await (await app.request('/corpora/pasted/preview')).text()).toContain(
      '<li><code>line one</code></li><li><code>line two</code></li></ol>',
    );
    const train = await (await app.request('/train')).text();
    expect(train).toContain('value="pasted"');
  });

  it('refuses bad uploads with clear errors and the right status', async () => {
    const cases: Array<[Record<string, string>, Uint8Array | string | undefined, number, RegExp]> = [
      [{ name: 'bad' }, Uint8Array.of(0x61, 0x62, 0xff, 0x63), 400, /not valid UTF-8: decoding fails at byte offset 2 \(0xff\)/],
      [{ name: 'bad' }, undefined, 400, /choose a file or paste some text/],
      [{ name: '../escape', text: 'x' }, undefined, 400, /not allowed/],
      [{ name: 'tang-poems', text: 'x' }, undefined, 400, /bundled corpus/],
      [{ name: 'pasted', text: 'again' }, undefined, 409, /delete it first/],
      [{ name: 'big' }, new Uint8Array(MAX_UPLOAD_BYTES + 1).fill(0x61), 413, /limit is 64 MiB/],
    ];
    for (const [fields, file, status, message] of cases) {
      const res = await upload(fields, file);
      expect(res.status, fields.name).toBe(status);
      expect(await res.text()).toMatch(message);
    }
  });

  it('escapes corpus text and names in the page', async () => {
    await upload({ name: 'xss', text: '<script>alert(1)</script>\n' });
    const preview = await (await app.request('/corpora/xss/preview')).text();
    expect(preview).not.toContain('<script>');
    expect(preview).toContain('&lt;script&gt;');
    const page = await upload({ name: '<img src=x>', text: 'x' });
    expect(await page.text()).not.toContain('<img src=x>');
  });
});

describe('/api/corpora', () => {
  it('lists, adds from JSON, refuses bad input and deletes', async () => {
    const post = (body: unknown) =>
      app.request('/api/corpora', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const res = await post({ name: 'api-one', text: '你好 world\n' });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { corpus: unknown }).corpus).toMatchObject({ name: 'api-one', bytes: 13, lines: 1, han: 2 });
    const list = (await (await app.request('/api/corpora')).json()) as {
      bundled: { name: string; trainBytes: number }[];
      user: { name: string }[];
    };
    expect(list.bundled.find((c) => c.name === 'ts-messages-zh')?.trainBytes).toBeGreaterThan(0);
    expect(list.user.map((c) => c.name)).toContain('api-one');
    expect((await post({ name: 'x' })).status).toBe(400);
    expect((await post({ name: 'x', text: '' })).status).toBe(400);
    expect((await upload({ name: 'bin' }, Uint8Array.of(0xc3), '/api/corpora')).status).toBe(400);
    expect((await app.request('/api/corpora/api-one', { method: 'DELETE' })).status).toBe(200);
    expect((await app.request('/api/corpora/api-one', { method: 'DELETE' })).status).toBe(404);
  });
});
