/**
 * The bad-input sweep of issue 9, over every route the app lists (app.routes): hostile text in every input is
 * escaped on every page and fragment, and every endpoint refuses bad bodies with the right status, touching no
 * file outside the data directory. What each route reads is in tests/sweep-routes.ts; a route missing there
 * fails the sweep.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { HonoRequest } from 'hono/request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../src/jobs/job-manager.js';
import { jsonPoster } from './requests.js';
import { EXEMPT, PAYLOADS, ROUTES, type RouteSweep, type Thing } from './sweep-routes.js';

// A sandbox holding the data dir and a canary file: a name that escaped the data dir would land beside them.
const SANDBOX = mkdtempSync(join(tmpdir(), 'tokenlab-sweep-'));
const DATA = join(SANDBOX, 'data');
const CANARY = join(SANDBOX, 'canary.txt');
mkdirSync(DATA);
writeFileSync(CANARY, 'canary\n');
process.env.TOKENLAB_DATA = DATA;
/** Marks a file a hostile name would create outside the data dir (looked for in the sandbox, tmpdir and cwd). */
const ESCAPE = `sweep-escape-${process.pid}`;

const { createApp } = await import('../src/server/app.js');
const { jobManager } = await import('../src/jobs/job-manager.js');
const { MAX_TEXT_BYTES } = await import('../src/server/limits.js');
const { MAX_UPLOAD_BYTES } = await import('../src/server/corpora-routes.js');
const { MAX_IMPORT_BYTES } = await import('../src/server/vocab-routes.js');
const { MAX_LM_TEXT_BYTES } = await import('../src/server/lm-data.js');
const { MAX_TRAIN_CORPORA } = await import('../src/server/train-jobs.js');
const app = createApp();

/**
 * Names that must never reach the file system: traversal (plain, and the literal text `..%2F`, which a path
 * parameter decodes to `../` when it is URL-encoded once more), absolute paths aimed at the canary (the stores
 * add `.txt` or `.json` to a name), a NUL byte, names over 64 characters. /etc/passwd goes to reading routes
 * only: the tests run as root.
 */
const HOSTILE_NAMES = [
  '../canary',
  '../../canary',
  '../../../canary',
  `${SANDBOX}/canary`,
  `../../${ESCAPE}`,
  `../../../${ESCAPE}`,
  `${SANDBOX}/${ESCAPE}`,
  `..%2F..%2F${ESCAPE}`,
  `%2e%2e%2f%2e%2e%2f${ESCAPE}`,
  '..',
  '.',
  'a/b',
  'a\\b',
  `sweep\0${ESCAPE}`,
  'x'.repeat(65),
  'x'.repeat(10_000),
];
const READ_ONLY_HOSTILE = ['/etc/passwd', '../../../../../../etc/passwd'];
const UNKNOWN = 'no-such-name';

/** The corpus every made thing comes from: each payload on lines of their own and inside text. */
const CORPUS_TEXT = Array.from({ length: 60 }, (_, i) => `${PAYLOADS[i % 3]} line ${i} 分词 ${PAYLOADS[(i + 1) % 3]}`).join('\n') + '\n';

const made = { trainJob: '', lmJob: '', infgramJob: '', qualityJob: '', vocabJson: '' };

function post(path: string, body: RequestInit['body'], headers: Record<string, string> = {}) {
  return app.request(path, { method: 'POST', body, headers });
}
const postJson = jsonPoster(app);
/** A form body; a list is sent as a repeated field. */
const formText = (fields: Record<string, string | string[]>) =>
  new URLSearchParams(
    Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x])),
  ).toString();

const postForm = (path: string, fields: Record<string, string | string[]>, htmx = false) =>
  post(path, formText(fields), { 'content-type': 'application/x-www-form-urlencoded', ...(htmx ? { 'HX-Request': 'true' } : {}) });

function multipart(fields: Record<string, string | Uint8Array>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'file') form.append('file', new Blob([v]), 'upload.txt');
    else form.append(k, v as string);
  }
  return form;
}

async function jobOf(res: Response): Promise<JobRecord> {
  expect(res.status, await res.clone().text()).toBe(202);
  const { job } = (await res.json()) as { job: JobRecord };
  await jobManager().settled();
  const done = jobManager().get(job.id)!;
  expect(done.state, done.message).toBe('done');
  return done;
}

const passwdHash = () => createHash('sha256').update(readFileSync('/etc/passwd')).digest('hex');
const passwdBefore = passwdHash();

beforeAll(async () => {
  // The user's things, each holding the payloads: a corpus (JSON API and form), a vocabulary trained on it with
  // the payloads as special tokens, a model over it, and an imported copy of the vocabulary.
  expect((await postJson('/api/corpora', { name: 'sweep-corpus', text: CORPUS_TEXT })).status).toBe(201);
  expect((await post('/corpora', multipart({ name: 'sweep-corpus-form', text: CORPUS_TEXT }))).status).toBe(303);
  const train = { name: 'sweep-vocab', corpora: ['sweep-corpus'], vocabSize: 340, pattern: 'cjk', minFrequency: 2, specials: PAYLOADS };
  made.trainJob = (await jobOf(await postJson('/api/train', train))).id;
  made.lmJob = (
    await jobOf(await postJson('/api/lm/build', { tokenizer: 'sweep-vocab', corpus: 'sweep-corpus', order: 3, name: 'sweep-lm' }))
  ).id;
  made.infgramJob = (
    await jobOf(await postJson('/api/infgram/build', { tokenizer: 'sweep-vocab', corpora: ['sweep-corpus'], name: 'sweep-ig' }))
  ).id;
  made.qualityJob = (await jobOf(await postJson('/api/quality', { tokenizers: ['sweep-vocab'], corpus: 'sweep-corpus' }))).id;
  made.vocabJson = await (await app.request('/vocab/sweep-vocab/download/json')).text();
  expect((await post('/api/vocabularies', multipart({ name: 'sweep-imported', file: made.vocabJson }))).status).toBe(201);
}, 300_000);

afterAll(async () => {
  for (const j of jobManager().list()) jobManager().cancel(j.id);
  await jobManager().settled();
  rmSync(SANDBOX, { recursive: true, force: true });
});

// --- What a route reads: query keys are recorded as handlers ask for them --------------------------------------

const readKeys = new Set<string>();
type Reader = (this: HonoRequest, key?: string) => unknown;
const originalQuery = HonoRequest.prototype.query as Reader;
HonoRequest.prototype.query = function (this: HonoRequest, key?: string) {
  if (key !== undefined) {
    readKeys.add(key);
    return originalQuery.call(this, key);
  }
  const all = originalQuery.call(this) as Record<string, string>;
  return new Proxy(all, {
    get(target, k) {
      if (typeof k === 'string' && !(k in Object.prototype)) readKeys.add(k);
      return Reflect.get(target, k);
    },
  });
} as HonoRequest['query'];
const originalQueries = HonoRequest.prototype.queries as Reader;
HonoRequest.prototype.queries = function (this: HonoRequest, key?: string) {
  if (key !== undefined) readKeys.add(key);
  return originalQueries.call(this, key);
} as HonoRequest['queries'];

// --- Probes: one request each, and what its answer must not hold ----------------------------------------------

interface Probe {
  label: string;
  path: string;
  init: RequestInit;
  /** A path parameter was replaced by a name that does not exist: the answer must say so. */
  badName?: boolean;
}

const GOOD: Record<Thing, () => string> = {
  vocab: () => 'sweep-vocab',
  model: () => 'sweep-lm',
  infgram: () => 'sweep-ig',
  corpus: () => 'sweep-corpus',
  trainJob: () => made.trainJob,
  lmJob: () => made.lmJob,
  infgramJob: () => made.infgramJob,
  qualityJob: () => made.qualityJob,
  format: () => 'json',
  view: () => 'surprisal',
  modelTokenizer: () => 'qwen3',
  onDemandPackage: () => 'chinese-poetry',
  doomed: () => UNKNOWN,
};

function fill(path: string, spec: RouteSweep, set: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, p: string) => encodeURIComponent(set[`:${p}`] ?? GOOD[spec.params![p]]()));
}

const withoutParams = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith(':')));

/** A JSON body from string fields: numbers as numbers, `x[]` fields as lists. */
function jsonBody(fields: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k.endsWith('[]')) body[k.slice(0, -2)] = [v, 'cl100k_base'];
    else body[k] = /^\d+$/.test(v) ? Number(v) : v;
  }
  return body;
}

/** Percent-escapes of bytes that are not UTF-8, and a '%' that escapes nothing. */
const BAD_ESCAPES = ['%FF%FE', '%E4%B8', '%', '%zz'];

/** Every request the escaping sweep sends to one route. */
function probes(method: string, path: string, spec: RouteSweep): Probe[] {
  const out: Probe[] = [];
  const bodyless = { method };
  out.push({ label: 'as is', path: fill(path, spec, {}), init: bodyless });
  for (const p of Object.keys(spec.params ?? {})) {
    // '.' and '..' as whole segments are resolved by URL parsing before routing: they never reach a handler.
    const names = [
      ...PAYLOADS,
      ...HOSTILE_NAMES.filter((n) => n !== '.' && n !== '..'),
      UNKNOWN,
      ...(method === 'GET' ? READ_ONLY_HOSTILE : []),
    ];
    for (const v of names)
      out.push({
        label: `:${p}=${JSON.stringify(v.slice(0, 40))}`,
        path: fill(path, spec, { [`:${p}`]: v }),
        init: bodyless,
        badName: true,
      });
    for (const raw of BAD_ESCAPES)
      out.push({
        label: `:${p}=${raw}`,
        path: path.replace(/:(\w+)/g, (_, q: string) => (q === p ? raw : encodeURIComponent(GOOD[spec.params![q]]()))),
        init: bodyless,
        badName: true,
      });
  }
  const values = [...PAYLOADS, ...HOSTILE_NAMES.slice(0, 4), `sweep\0x`, 'x'.repeat(10_000)];
  for (const [field, companions] of Object.entries(spec.query ?? {})) {
    const rest = new URLSearchParams(withoutParams(companions));
    for (const v of [...values, ...READ_ONLY_HOSTILE]) {
      const q = new URLSearchParams({ ...withoutParams(companions), [field]: v });
      out.push({ label: `?${field}=${JSON.stringify(v.slice(0, 40))}`, path: `${fill(path, spec, companions)}?${q}`, init: bodyless });
    }
    // Escapes that are not UTF-8, or not escapes at all.
    for (const raw of BAD_ESCAPES)
      out.push({ label: `?${field}=${raw}`, path: `${fill(path, spec, companions)}?${rest}&${field}=${raw}`, init: bodyless });
  }
  for (const [field, companions] of Object.entries(spec.form ?? {})) {
    for (const raw of BAD_ESCAPES) {
      const body = `${new URLSearchParams(withoutParams(companions))}&${field}=${raw}`;
      out.push({
        label: `form ${field}=${raw}`,
        path: fill(path, spec, companions),
        init: { method, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      });
    }
    for (const v of values) {
      const body = new URLSearchParams({ ...withoutParams(companions), [field]: v }).toString();
      for (const htmx of [false, true]) {
        const headers = { 'content-type': 'application/x-www-form-urlencoded', ...(htmx ? { 'HX-Request': 'true' } : {}) };
        out.push({
          label: `form ${field}=${JSON.stringify(v.slice(0, 40))}${htmx ? ' (htmx)' : ''}`,
          path: fill(path, spec, companions),
          init: { method, body, headers },
        });
      }
    }
  }
  for (const [field, companions] of Object.entries(spec.multipart ?? {})) {
    for (const v of values) {
      const init = () => ({ method, body: multipart({ ...withoutParams(companions), [field]: v }) });
      out.push({ label: `multipart ${field}=${JSON.stringify(v.slice(0, 40))}`, path: fill(path, spec, companions), init: init() });
    }
  }
  for (const [field, companions] of Object.entries(spec.json ?? {})) {
    for (const v of values) {
      const body = JSON.stringify(jsonBody({ ...withoutParams(companions), [field]: v }));
      out.push({
        label: `json ${field}=${JSON.stringify(v.slice(0, 40))}`,
        path: fill(path, spec, companions),
        init: { method, body, headers: { 'content-type': 'application/json' } },
      });
    }
  }
  return out;
}

/** Elements a payload would inject if it were not escaped. */
const INJECTED = [/<script>alert/i, /<img\b/i];
/** Event-handler attributes a payload would add: sought in each tag outside its quoted attribute values. */
const HANDLER = /\son(error|mouseover)\s*=/i;

function injectedMarkup(html: string): string[] {
  const found = INJECTED.filter((re) => re.test(html)).map(String);
  for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    if (HANDLER.test(tag.replace(/"[^"]*"|'[^']*'/g, '""'))) found.push(`handler attribute in ${tag.slice(0, 120)}`);
  }
  return found;
}
/** Headers that carry URLs made from user text: they must be URL-encoded. */
const URL_HEADERS = ['location', 'hx-replace-url', 'hx-push-url', 'hx-redirect', 'hx-location'];

/** What is wrong with an answer: a 5xx, raw payloads in HTML, unencoded URL headers, a wrong status for a bad name. */
async function problemsOf(probe: Probe, res: Response): Promise<string[]> {
  const problems: string[] = [];
  const body = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const attachment = (res.headers.get('content-disposition') ?? '').startsWith('attachment');
  if (res.status >= 500) problems.push(`${res.status}: ${body.slice(0, 200)}`);
  const raw = PAYLOADS.filter((p) => body.includes(p));
  const inert = type.startsWith('application/json') || type.startsWith('text/event-stream') || attachment;
  if (raw.length > 0 && !inert) problems.push(`raw payload in a ${type} answer: ${raw.join(' | ')}`);
  if (type.startsWith('text/html')) for (const m of injectedMarkup(body)) problems.push(`injected markup: ${m}`);
  for (const h of URL_HEADERS) {
    const v = res.headers.get(h);
    if (v !== null && /[<>"'\s\0]/.test(v)) problems.push(`header ${h} not URL-encoded: ${v.slice(0, 100)}`);
  }
  if (probe.badName && ![400, 404].includes(res.status)) problems.push(`status ${res.status} for an unknown name, expected 400 or 404`);
  return problems.map((p) => `${probe.label}: ${p}`);
}

/** The routes the app serves, as "METHOD path". */
const served = [...new Set(app.routes.map((r) => `${r.method} ${r.path}`))];

describe('the sweep covers every route', () => {
  it('catches what it looks for: raw payloads, injected handlers, unencoded URL headers, a bad name answered 200', async () => {
    const probe = { label: 'self-test', path: '/', init: {} };
    const html = (body: string, headers: Record<string, string> = {}) =>
      new Response(body, { headers: { 'content-type': 'text/html', ...headers } });
    expect(await problemsOf(probe, html(`<p>${PAYLOADS[0]}</p>`))).toHaveLength(2); // raw, and a script element
    expect(await problemsOf(probe, html('<input value="" onmouseover="alert(1)">'))).toHaveLength(1);
    expect(await problemsOf(probe, html('<input value="&quot; onerror=alert(1)">', { location: '/a b' }))).toHaveLength(1); // the header
    expect(await problemsOf({ ...probe, badName: true }, html('<p>found</p>'))).toHaveLength(1);
    const json = new Response(JSON.stringify({ error: PAYLOADS.join() }), { status: 404, headers: { 'content-type': 'application/json' } });
    expect(await problemsOf(probe, json)).toEqual([]);
  });

  it('lists every route the app serves, or exempts it with a reason', () => {
    const missing = served.filter((k) => ROUTES[k] === undefined && EXEMPT[k] === undefined);
    expect(missing, 'routes neither swept nor exempted (add them to tests/sweep-routes.ts)').toEqual([]);
    const stale = Object.keys(ROUTES).filter((k) => !served.includes(k));
    expect(stale, 'swept routes the app no longer serves').toEqual([]);
  });
});

describe('hostile text in every input is escaped, and bad names are refused', () => {
  for (const key of served.filter((k) => ROUTES[k] !== undefined)) {
    const [method, path] = key.split(' ');
    const spec = ROUTES[key];
    it(key, async () => {
      readKeys.clear();
      const problems: string[] = [];
      for (const probe of probes(method, path, spec)) {
        const res = await app.request(probe.path, probe.init);
        if (probe.label === 'as is' && method === 'GET') expect(res.status, `${key} with the sweep's own things`).toBe(200);
        problems.push(...(await problemsOf(probe, res)));
      }
      expect(problems).toEqual([]);
      const unswept = [...readKeys].filter((k) => spec.query?.[k] === undefined);
      expect(unswept, `${key} reads query parameters the sweep does not fill`).toEqual([]);
    });
  }

  it('refuses the payloads as names wherever names allow only letters, digits, ".", "_" and "-"', async () => {
    for (const name of PAYLOADS) {
      const answers = [
        await postJson('/api/corpora', { name, text: 'x\n' }),
        await post('/api/corpora', multipart({ name, text: 'x\n' })),
        await postJson('/api/train', { name, corpora: ['sweep-corpus'], vocabSize: 300 }),
        await postJson('/api/lm/build', { name, tokenizer: 'sweep-vocab', corpus: 'sweep-corpus' }),
        await postJson('/api/infgram/build', { name, tokenizer: 'sweep-vocab', corpora: ['sweep-corpus'] }),
        await post('/api/vocabularies', multipart({ name, file: 'x' })),
      ];
      for (const res of answers) {
        expect(res.status, `${name}: ${res.url}`).toBe(400);
        expect(((await res.json()) as { error: string }).error).toMatch(/not allowed/);
      }
    }
  });
});

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

describe("the user's payload-bearing things are shown, escaped", () => {
  // The sweep above proves no payload is raw; these prove the pages did show the user's text (escaped).
  const pages: Array<[string, string]> = [
    ['/corpora/sweep-corpus/preview', 'a corpus preview'],
    ['/corpora?added=sweep-corpus-form', "a pasted corpus's preview"],
    ['/vocab/sweep-vocab', "a vocabulary's special tokens"],
    ['/vocab/sweep-imported', "an imported vocabulary's special tokens"],
    [
      `/lm/sweep-lm?view=qa&${new URLSearchParams({ question: PAYLOADS[0], answer: PAYLOADS[1], thought: PAYLOADS[2] })}`,
      "a model's question, answer and thought",
    ],
    [`/?tokenizer=sweep-vocab&text=${encodeURIComponent(PAYLOADS.join('\n'))}`, 'a text tokenized with special-token text'],
    [`/lm/infgram/sweep-ig?view=trace&${new URLSearchParams({ text: PAYLOADS.join(' ') })}`, "an index's traced text"],
  ];
  for (const [path, what] of pages) {
    it(what, async () => {
      const html = await (await app.request(path)).text();
      for (const p of PAYLOADS) expect(html, path).toContain(escapeHtml(p));
    });
  }
});

// --- Bodies: over the limit, malformed, mistyped, hostile names, invalid UTF-8 ------------------------------------

const CHUNK = 16 * 1024;

/**
 * A request body of `head`, `fill` copies of one byte, then `tail`, made only as the server reads it (a body of
 * hundreds of MiB costs nothing when it is refused unread); `pulled()` is how much the server read.
 */
function lazyBody(head: string, fill: number, tail: string, byte = 0x20) {
  const parts = [new TextEncoder().encode(head), new TextEncoder().encode(tail)];
  let pulled = 0;
  let filled = 0;
  let stage = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (stage === 0) {
        stage = 1;
        pulled += parts[0].length;
        return ctl.enqueue(parts[0]);
      }
      if (stage === 1 && filled < fill) {
        const n = Math.min(CHUNK, fill - filled);
        filled += n;
        pulled += n;
        return ctl.enqueue(new Uint8Array(n).fill(byte));
      }
      if (stage === 1) {
        stage = 2;
        pulled += parts[1].length;
        return ctl.enqueue(parts[1]);
      }
      ctl.close();
    },
  });
  return { stream, length: parts[0].length + fill + parts[1].length, pulled: () => pulled };
}

/** Sends a lazy body, with its Content-Length declared or (as a chunked upload would) without. */
function postLazy(path: string, body: ReturnType<typeof lazyBody>, type: string, declared: boolean, headers: Record<string, string> = {}) {
  const all = { 'content-type': type, ...(declared ? { 'content-length': String(body.length) } : {}), ...headers };
  return app.request(path, { method: 'POST', body: body.stream, headers: all, duplex: 'half' } as RequestInit);
}

async function errorOf(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: unknown };
  expect(typeof body.error, JSON.stringify(body)).toBe('string');
  return body.error as string;
}

interface JsonEndpoint {
  /** A request that passes every check but the last (its name is taken, or it is harmless). */
  valid: Record<string, unknown>;
  required: string[];
  /** Fields naming a thing that must exist, and how a name goes into the field. */
  lookups: Record<string, (name: string) => unknown>;
  /** Fields naming a thing to make. */
  makes: string[];
  /** The body limit of the route, in bytes (see the route's module). */
  limit: number;
  /** A text field with its own limit, in UTF-8 bytes. */
  text?: [string, number];
  /** The request with `mark` in one of its strings: invalid UTF-8 goes there. */
  utf8: (mark: string) => Record<string, unknown>;
}

const one = (n: string) => n;
const VIEW_BODY_LIMIT = 512 * 1024; // MAX_VIEW_BODY_BYTES, src/server/lm-routes.tsx
const IG_VIEW_BODY_LIMIT = 2 * 1024 * 1024; // MAX_VIEW_BODY_BYTES, src/server/infgram-routes.tsx
/** An ∞-gram view's endpoint: a text (or ids) and its options. */
const igView = (valid: Record<string, unknown>, required = ['text']): JsonEndpoint => ({
  valid,
  required,
  lookups: {},
  makes: [],
  limit: IG_VIEW_BODY_LIMIT,
  text: ['text', MAX_LM_TEXT_BYTES],
  utf8: (m) => ({ ...valid, text: m }),
});
const JSON_ENDPOINTS: Record<string, JsonEndpoint> = {
  '/api/tokenize': {
    valid: { text: 'x', tokenizer: 'cl100k_base' },
    required: ['text', 'tokenizer'],
    lookups: { tokenizer: one },
    makes: [],
    limit: 6 * MAX_TEXT_BYTES + 4096, // MAX_BODY_BYTES, src/server/api.ts
    text: ['text', MAX_TEXT_BYTES],
    utf8: (m) => ({ text: m, tokenizer: 'cl100k_base' }),
  },
  '/api/compare': {
    valid: { text: 'x', tokenizers: ['cl100k_base', 'sweep-vocab'] },
    required: ['text', 'tokenizers'],
    lookups: { tokenizers: (n) => [n, 'cl100k_base'] },
    makes: [],
    limit: 6 * MAX_TEXT_BYTES + 4096,
    text: ['text', MAX_TEXT_BYTES],
    utf8: (m) => ({ text: m, tokenizers: ['cl100k_base', 'sweep-vocab'] }),
  },
  '/api/chat': {
    valid: { tokenizer: 'cl100k_base', messages: [{ role: 'user', content: 'x' }], addGenerationPrompt: true },
    required: ['tokenizer', 'messages'],
    lookups: { tokenizer: one },
    makes: [],
    limit: 6 * MAX_TEXT_BYTES + 4096, // MAX_BODY_BYTES, src/server/api.ts
    utf8: (m) => ({ tokenizer: 'cl100k_base', messages: [{ role: 'user', content: m }] }),
  },
  '/api/train': {
    valid: { name: 'sweep-vocab', corpora: ['sweep-corpus'], vocabSize: 300, pattern: 'cjk', minFrequency: 2, specials: ['<|x|>'] },
    required: ['name', 'corpora', 'vocabSize'],
    lookups: { corpora: (n) => [n] },
    makes: ['name'],
    limit: 64 * 1024, // MAX_TRAIN_BODY_BYTES, src/server/train-routes.tsx
    utf8: (m) => ({ name: 'sweep-vocab', corpora: ['sweep-corpus'], vocabSize: 300, specials: [m] }),
  },
  '/api/lm/build': {
    valid: { tokenizer: 'sweep-vocab', corpus: 'sweep-corpus', order: 2, name: 'sweep-lm' },
    required: ['tokenizer', 'corpus'],
    lookups: { tokenizer: one, corpus: one },
    makes: ['name'],
    limit: 64 * 1024, // MAX_BUILD_BODY_BYTES, src/server/lm-routes.tsx
    utf8: (m) => ({ tokenizer: `sweep-vocab${m}`, corpus: 'sweep-corpus', order: 2, name: 'sweep-lm' }),
  },
  '/api/infgram/build': {
    valid: { tokenizer: 'sweep-vocab', corpora: ['sweep-corpus'], name: 'sweep-ig' },
    required: ['tokenizer', 'corpora'],
    lookups: { tokenizer: one, corpora: (n) => [n] },
    makes: ['name'],
    limit: 64 * 1024, // MAX_BUILD_BODY_BYTES, src/server/infgram-routes.tsx
    utf8: (m) => ({ tokenizer: `sweep-vocab${m}`, corpora: ['sweep-corpus'], name: 'sweep-ig' }),
  },
  '/api/infgram/sweep-ig/count': igView({ text: 'x' }),
  '/api/infgram/sweep-ig/next': igView({ text: 'x', k: 3 }, []),
  '/api/infgram/sweep-ig/find': igView({ text: 'x', offset: 1, limit: 5 }),
  '/api/infgram/sweep-ig/trace': igView({ text: 'x', minLength: 2, first: 1 }),
  '/api/infgram/sweep-ig/score': { ...igView({ text: 'x', model: 'sweep-lm' }), lookups: { model: one } },
  '/api/corpora': {
    valid: { name: 'sweep-corpus', text: 'x' },
    required: ['name', 'text'],
    lookups: {},
    makes: ['name'],
    limit: 6 * MAX_UPLOAD_BYTES, // readJson's limit in src/server/corpora-routes.tsx
    text: ['text', MAX_UPLOAD_BYTES],
    utf8: (m) => ({ name: 'sweep-utf8', text: m }),
  },
  '/api/lm/sweep-lm/score': {
    valid: { text: 'x' },
    required: ['text'],
    lookups: {},
    makes: [],
    limit: VIEW_BODY_LIMIT,
    text: ['text', MAX_LM_TEXT_BYTES],
    utf8: (m) => ({ text: m }),
  },
  '/api/lm/sweep-lm/next': {
    valid: { context: 'x', k: 3 },
    required: [],
    lookups: {},
    makes: [],
    limit: VIEW_BODY_LIMIT,
    text: ['context', MAX_LM_TEXT_BYTES],
    utf8: (m) => ({ context: m }),
  },
  '/api/lm/sweep-lm/sample': {
    valid: { prompt: 'x', temperature: 1, topK: 0, topP: 1, seed: 1, length: 5 },
    required: [],
    lookups: {},
    makes: [],
    limit: VIEW_BODY_LIMIT,
    text: ['prompt', MAX_LM_TEXT_BYTES],
    utf8: (m) => ({ prompt: m }),
  },
  '/api/lm/sweep-lm/answer': {
    valid: { question: 'q', answer: 'a', thought: 't' },
    required: ['answer'],
    lookups: {},
    makes: [],
    limit: VIEW_BODY_LIMIT,
    text: ['answer', MAX_LM_TEXT_BYTES],
    utf8: (m) => ({ question: 'q', answer: m }),
  },
};

/** Values of the wrong type for a field holding `v`. */
function mistyped(v: unknown): unknown[] {
  if (typeof v === 'string') return [42, {}, ['x'], true];
  if (typeof v === 'number') return ['x', {}, [1], true];
  return ['x', [42], {}];
}

/** The JSON of `body` with bytes that are not UTF-8 (a lone 0xFF and a cut 3-byte character) in place of a mark. */
function invalidUtf8Json(body: Record<string, unknown>): Uint8Array {
  const [before, after] = JSON.stringify(body).split('UTF8MARK');
  return Buffer.concat([Buffer.from(before), Buffer.from([0x61, 0xff, 0x62, 0xe4, 0xb8]), Buffer.from(after)]);
}

describe('JSON endpoints refuse bad bodies with a clear {"error"} and the right status', () => {
  for (const [path, e] of Object.entries(JSON_ENDPOINTS)) {
    const check = (what: string, body: () => Promise<void>) => it(`${path} ${what}`, body);
    const tail = JSON.stringify(e.valid).slice(1);

    check('over the body limit, declared: 413, refused unread', async () => {
      const body = lazyBody('{', e.limit, tail);
      const res = await postLazy(path, body, 'application/json', true);
      expect(res.status).toBe(413);
      expect(await errorOf(res)).toMatch(/limit/);
      expect(body.pulled()).toBeLessThan(e.limit);
    });

    check('over the body limit, sent without a length: 413', async () => {
      const res = await postLazy(path, lazyBody('{', e.limit, tail), 'application/json', false);
      expect(res.status).toBe(413);
      expect(await errorOf(res)).toMatch(/limit/);
    });

    if (e.text !== undefined) {
      const [field, limit] = e.text;
      check(`"${field}" over its limit of ${limit} bytes: 413`, async () => {
        // The text is limit + 1 letters 'a', in a body under the route's body limit.
        const [before, after] = JSON.stringify({ ...e.valid, [field]: 'MARK' }).split('MARK');
        const res = await postLazy(path, lazyBody(before, limit + 1, after, 0x61), 'application/json', false);
        expect(res.status).toBe(413);
        expect(await errorOf(res)).toMatch(/limit/);
      });
    }

    check('malformed JSON: 400', async () => {
      for (const body of ['{not json', '', tail.slice(0, -1), '{"a": 1,}']) {
        const res = await post(path, body, { 'content-type': 'application/json' });
        expect(res.status, body).toBe(400);
        expect(await errorOf(res)).toMatch(/JSON/);
      }
    });

    check('JSON that is not an object: 400', async () => {
      for (const body of ['[1, 2]', '"text"', '42', 'null', 'true']) {
        const res = await post(path, body, { 'content-type': 'application/json' });
        expect(res.status, body).toBe(400);
        await errorOf(res);
      }
    });

    check('missing or mistyped fields: 400', async () => {
      const bodies: Array<Record<string, unknown>> = e.required.map((f) =>
        Object.fromEntries(Object.entries(e.valid).filter(([k]) => k !== f)),
      );
      for (const [f, v] of Object.entries(e.valid)) for (const wrong of mistyped(v)) bodies.push({ ...e.valid, [f]: wrong });
      for (const body of bodies) {
        const res = await postJson(path, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        await errorOf(res);
      }
    });

    if (Object.keys(e.lookups).length > 0) {
      check('unknown names: 404', async () => {
        for (const [f, put] of Object.entries(e.lookups)) {
          const res = await postJson(path, { ...e.valid, [f]: put(UNKNOWN) });
          expect(res.status, f).toBe(404);
          expect(await errorOf(res)).toContain(UNKNOWN);
        }
      });
    }

    if (Object.keys(e.lookups).length + e.makes.length > 0)
      check('hostile names: 400 or 404', async () => {
        for (const name of [...HOSTILE_NAMES, ...PAYLOADS, '', ...READ_ONLY_HOSTILE]) {
          for (const [f, put] of Object.entries(e.lookups)) {
            const res = await postJson(path, { ...e.valid, [f]: put(name) });
            expect([400, 404], `${f}: ${JSON.stringify(name.slice(0, 40))}`).toContain(res.status);
            await errorOf(res);
          }
          // An empty model or index name means "the default name" (a build would start): it is not hostile there.
          const skip = READ_ONLY_HOSTILE.includes(name) || (name === '' && path.endsWith('/build'));
          for (const f of skip ? [] : e.makes) {
            const res = await postJson(path, { ...e.valid, [f]: name });
            expect(res.status, `${f}: ${JSON.stringify(name.slice(0, 40))}`).toBe(400);
            await errorOf(res);
          }
        }
      });

    check('a body that is not UTF-8: 400', async () => {
      const res = await post(path, invalidUtf8Json(e.utf8('UTF8MARK')), { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatch(/UTF-8/);
    });
  }
});

interface UploadEndpoint {
  /** A page (HTML answers) or the JSON API. */
  page: boolean;
  /** The largest body read (Content-Length), and the largest file, in bytes (see the route's module). */
  limit: number;
  fileLimit: number;
  /** A file the endpoint accepts. */
  file: () => string;
  /** What a refusal of a file that is not UTF-8 says. */
  notUtf8: RegExp;
}

const vocabUpload = { limit: MAX_IMPORT_BYTES, fileLimit: MAX_IMPORT_BYTES, file: () => made.vocabJson, notUtf8: /not UTF-8/ };
const FORM_OVERHEAD = 64 * 1024; // src/server/corpora-routes.tsx: multipart framing on top of the text
const corpusUpload = {
  limit: MAX_UPLOAD_BYTES + FORM_OVERHEAD,
  fileLimit: MAX_UPLOAD_BYTES,
  file: () => 'x\n',
  notUtf8: /not valid UTF-8.*offset 1 \(0xff\)/,
};
const UPLOADS: Record<string, UploadEndpoint> = {
  '/api/vocabularies': { page: false, ...vocabUpload },
  '/vocab/import': { page: true, ...vocabUpload },
  '/api/corpora': { page: false, ...corpusUpload },
  '/corpora': { page: true, ...corpusUpload },
};

/** The refusal's message: the JSON error, or the page (which must say it). */
async function refusalOf(res: Response, page: boolean): Promise<string> {
  if (!page) return errorOf(res);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  return res.text();
}

const BOUNDARY = 'sweep-boundary';
const partHead = (name: string, file?: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"\r\nContent-Type: application/octet-stream` : ''}\r\n\r\n`;

describe('uploads (multipart) refuse bad files and names', () => {
  for (const [path, u] of Object.entries(UPLOADS)) {
    it(`${path}: a body over the limit, declared, is 413, refused unread`, async () => {
      const body = lazyBody(`${partHead('name')}sweep-big\r\n${partHead('file', 'big.txt')}`, u.limit, `\r\n--${BOUNDARY}--\r\n`, 0x61);
      const res = await postLazy(path, body, `multipart/form-data; boundary=${BOUNDARY}`, true);
      expect(res.status).toBe(413);
      expect(await refusalOf(res, u.page)).toMatch(/limit/);
      expect(body.pulled()).toBeLessThan(u.limit);
    });

    it(`${path}: a file over the limit, sent without a length, is 413`, async () => {
      const body = lazyBody(
        `${partHead('name')}sweep-big\r\n${partHead('file', 'big.txt')}`,
        u.fileLimit + 1,
        `\r\n--${BOUNDARY}--\r\n`,
        0x61,
      );
      const res = await postLazy(path, body, `multipart/form-data; boundary=${BOUNDARY}`, false);
      expect(res.status).toBe(413);
      expect(await refusalOf(res, u.page)).toMatch(/limit/);
    });

    it(`${path}: a file that is not UTF-8 is 400, saying so`, async () => {
      const res = await post(path, multipart({ name: 'sweep-binary', file: Uint8Array.of(0x61, 0xff, 0xfe, 0x00, 0x62) }));
      expect(res.status).toBe(400);
      expect(await refusalOf(res, u.page)).toMatch(u.notUtf8);
    });

    it(`${path}: hostile names are 400, with a file that would be accepted`, async () => {
      for (const name of [...HOSTILE_NAMES, ...PAYLOADS, '']) {
        const res = await post(path, multipart({ name, file: u.file() }));
        expect(res.status, JSON.stringify(name.slice(0, 40))).toBe(400);
        expect(await refusalOf(res, u.page)).toMatch(/not allowed|name/);
      }
    });

    if (path.endsWith('corpora')) {
      it(`${path}: pasted text that is not UTF-8 is 400`, async () => {
        // A curl-made form: the text field's raw bytes (a browser always sends UTF-8 there).
        const bytes = Buffer.concat([
          Buffer.from(`${partHead('name')}sweep-pasted\r\n${partHead('text')}a`),
          Buffer.from([0xff, 0xfe]),
          Buffer.from(`b\r\n--${BOUNDARY}--\r\n`),
        ]);
        const res = await post(path, bytes, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` });
        expect(res.status).toBe(400);
        expect(await refusalOf(res, u.page)).toMatch(/UTF-8/);
      });
    }

    it(`${path}: no file, or an empty one, is 400`, async () => {
      for (const fields of [{ name: 'sweep-none' }, { name: 'sweep-none', file: '' }] as Array<Record<string, string>>) {
        const res = await post(path, multipart(fields));
        expect(res.status, JSON.stringify(fields)).toBe(400);
        await refusalOf(res, u.page);
      }
    });
  }
});

/** Larger than any form of the lab needs: the largest, the tokenize page's, is refused over 4 MB (4 * MAX_TEXT_BYTES). */
const FORM_CEILING = 8 << 20;

interface FormEndpoint {
  /** The route's body limit, if it has one (src/server/tokenize-page.tsx readPageForm). */
  limit?: number;
  fields: Record<string, string | string[]>;
}

const FORMS: Record<string, FormEndpoint> = {
  '/fragment/tokenize': { limit: 4 * MAX_TEXT_BYTES, fields: { tokenizer: 'cl100k_base', text: 'x' } },
  '/fragment/tokens': { limit: 4 * MAX_TEXT_BYTES, fields: { tokenizer: 'cl100k_base', text: 'x', from: '0' } },
  '/fragment/compare': { limit: 4 * MAX_TEXT_BYTES, fields: { tokenizers: ['cl100k_base', 'o200k_base'], text: 'x' } },
  '/train': {
    fields: { name: 'sweep-vocab', corpora: 'sweep-corpus', vocabSize: '300', pattern: 'cjk', minFrequency: '2' },
  },
  '/lm': { fields: { name: 'sweep-lm', tokenizer: 'sweep-vocab', corpus: 'sweep-corpus', order: '2' } },
  '/vocab/sweep-vocab/scrub': { fields: { sample: 'x', k: '3' } },
  '/fragment/lm/sweep-lm/surprisal': { fields: { text: 'x' } },
  '/lm/infgram': { limit: 64 * 1024, fields: { name: 'sweep-ig', tokenizer: 'sweep-vocab', corpora: 'sweep-corpus' } },
  '/fragment/infgram/sweep-ig/trace': { limit: IG_VIEW_BODY_LIMIT, fields: { text: 'x' } },
};

/** 413, fragments too (htmx 4 swaps the fragment saying so whatever its status). */
async function expectTooLarge(res: Response) {
  const body = await res.text();
  expect(res.status, body.slice(0, 200)).toBe(413);
  expect(body).toMatch(/too large|limit/i);
}

describe('forms refuse bodies over their limit', () => {
  for (const [path, f] of Object.entries(FORMS)) {
    const size = f.limit ?? FORM_CEILING;
    const check = (what: string, body: () => Promise<void>) => it(`${path}: ${what}`, body);
    const head = `${formText(f.fields)}&pad=`;
    check(`a body over ${size} bytes, declared, is refused unread`, async () => {
      const body = lazyBody(head, size, '', 0x61);
      await expectTooLarge(await postLazy(path, body, 'application/x-www-form-urlencoded', true));
      expect(body.pulled()).toBeLessThan(size);
    });
    check(`a body over ${size} bytes, sent without a length, is refused`, async () => {
      await expectTooLarge(await postLazy(path, lazyBody(head, size, '', 0x61), 'application/x-www-form-urlencoded', false));
    });
  }

  it('POST /train, POST /lm and POST /lm/infgram refuse hostile names: 400 (a bad name) or 404 (no such corpus or tokenizer), to htmx with a fragment saying so', async () => {
    const cases: Array<[string, Record<string, string | string[]>]> = [];
    for (const name of [...HOSTILE_NAMES, ...PAYLOADS]) {
      cases.push(
        ['/train', { ...FORMS['/train'].fields, name }],
        ['/train', { ...FORMS['/train'].fields, name: 'sweep-new', corpora: name }],
      );
      cases.push(['/lm', { ...FORMS['/lm'].fields, name }], ['/lm', { ...FORMS['/lm'].fields, name: 'sweep-new', tokenizer: name }]);
      cases.push(['/lm', { ...FORMS['/lm'].fields, name: 'sweep-new', corpus: name }]);
      const ig = FORMS['/lm/infgram'].fields;
      cases.push(['/lm/infgram', { ...ig, name }], ['/lm/infgram', { ...ig, name: 'sweep-new', tokenizer: name }]);
      cases.push(['/lm/infgram', { ...ig, name: 'sweep-new', corpora: name }]);
    }
    for (const [path, fields] of cases) {
      const label = `${path} ${JSON.stringify(fields).slice(0, 120)}`;
      const plain = (await postForm(path, fields)).status;
      expect([400, 404], label).toContain(plain);
      const htmx = await postForm(path, fields, true);
      expect(htmx.status, label).toBe(plain);
      expect(await htmx.text(), label).toMatch(/not allowed|unknown|no corpus|name/);
    }
  });
});

describe('too many jobs', () => {
  it('queues jobs up to the limit, then answers 429 with a clear message on /api/train, /api/lm/build, /api/infgram/build and their forms', async () => {
    const jobs = jobManager();
    const { bundled } = (await (await app.request('/api/corpora')).json()) as { bundled: Array<{ name: string }> };
    // The running slots hold 65,536-merge trainings on the bundled corpora (as many as a training takes): they run
    // for minutes, far longer than the submissions below take, and are cancelled at the end.
    const long = { corpora: bundled.map((c) => c.name).slice(0, MAX_TRAIN_CORPORA), vocabSize: 65_536, pattern: 'cjk' };
    const submitted: string[] = [];
    const accept = async (res: Response) => {
      expect(res.status, await res.clone().text()).toBe(202);
      submitted.push(((await res.json()) as { job: JobRecord }).job.id);
    };
    try {
      for (let i = 0; i < jobs.maxRunning; i++) await accept(await postJson('/api/train', { name: `sweep-long-${i}`, ...long }));
      for (let i = 0; i < jobs.maxQueued; i++) {
        const name = `sweep-queued-${i}`;
        if (i % 2 === 0) await accept(await postJson('/api/train', { name, corpora: ['sweep-corpus'], vocabSize: 260 }));
        else await accept(await postJson('/api/lm/build', { name, tokenizer: 'sweep-vocab', corpus: 'sweep-corpus', order: 1 }));
      }
      const tooMany = /too many jobs: \d+ running and \d+ queued \(the limit is \d+ running and \d+ queued\)/;
      for (const res of [
        await postJson('/api/train', { name: 'sweep-refused', corpora: ['sweep-corpus'], vocabSize: 260 }),
        await postJson('/api/lm/build', { name: 'sweep-refused', tokenizer: 'sweep-vocab', corpus: 'sweep-corpus', order: 1 }),
        await postJson('/api/infgram/build', { name: 'sweep-refused', tokenizer: 'sweep-vocab', corpora: ['sweep-corpus'] }),
      ]) {
        expect(res.status).toBe(429);
        expect(await errorOf(res)).toMatch(tooMany);
      }
      const trainForm = { name: 'sweep-refused', corpora: 'sweep-corpus', vocabSize: '260', pattern: 'cjk', minFrequency: '2' };
      const lmForm = { name: 'sweep-refused', tokenizer: 'sweep-vocab', corpus: 'sweep-corpus', order: '1' };
      const igForm = { name: 'sweep-refused', tokenizer: 'sweep-vocab', corpora: 'sweep-corpus' };
      for (const [path, fields] of [
        ['/train', trainForm],
        ['/lm', lmForm],
        ['/lm/infgram', igForm],
      ] as const) {
        const page = await postForm(path, fields);
        expect(page.status, path).toBe(429);
        expect(await page.text()).toMatch(tooMany);
        const fragment = await postForm(path, fields, true);
        expect(fragment.status, path).toBe(429); // the refusal is the fragment, which htmx 4 swaps in whatever its status
        expect(await fragment.text()).toMatch(tooMany);
      }
      expect(jobs.list().filter((j) => j.name === 'sweep-refused')).toEqual([]);
    } finally {
      for (const id of submitted) expect((await app.request(`/api/jobs/${id}/cancel`, { method: 'POST' })).status).toBe(200);
      await jobs.settled();
    }
    expect(submitted.map((id) => jobs.get(id)!.state)).toEqual(submitted.map(() => 'cancelled'));
  });
});

// --- Afterwards: nothing touched outside the data dir -------------------------------------------------------------

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? filesUnder(path).map((g) => join(f, g)) : [f];
  });
}

/** What the sweep made on purpose: the only names the data dir may hold. */
const MADE_NAMES = ['sweep-corpus', 'sweep-corpus-form', 'sweep-vocab', 'sweep-imported', 'sweep-lm', 'sweep-ig'];

describe('after the sweep', () => {
  it('nothing was written outside the data dir, and the data dir holds only what the sweep made', () => {
    expect(readdirSync(SANDBOX).sort()).toEqual(['canary.txt', 'data']);
    expect(readFileSync(CANARY, 'utf8')).toBe('canary\n');
    for (const dir of [tmpdir(), process.cwd(), join(process.cwd(), '..'), '/']) {
      expect(
        readdirSync(dir).filter((f) => f.includes(ESCAPE)),
        dir,
      ).toEqual([]);
    }
    expect(passwdHash()).toBe(passwdBefore);
    const names = MADE_NAMES.join('|').replace(/\./g, '\\.');
    const ids = jobManager()
      .list()
      .map((j) => j.id)
      .join('|');
    const expected = new RegExp(
      `^(corpora/(${names})\\.(txt|json)|corpora/split/(${names})\\.(train|heldout)\\.txt|vocabularies/(${names})\\.json|models/(${names})\\.(tlm|json)|infgrams/(${names})\\.(tli|json)|jobs/(${ids})\\.json)$`,
    );
    const files = filesUnder(DATA).map((f) => relative(DATA, join(DATA, f)));
    expect(files.filter((f) => !expected.test(f))).toEqual([]);
    expect(files.length).toBeGreaterThan(MADE_NAMES.length);
  });
});
