import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../src/jobs/job-manager.js';
import type { ModelRecord } from '../src/store/user-models.js';
import { jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('lm');
const { createApp } = await import('../src/server/app.js');
const { addUserCorpus } = await import('../src/store/user-corpora.js');
const { jobManager } = await import('../src/jobs/job-manager.js');
const { log10SequenceCount } = await import('../src/server/lm-data.js');
const app = createApp();

interface Token {
  id: number;
  text: string;
  bytes: string;
}

const post = jsonPoster(app);

/** The job once no job runs or waits (works outside a test too: the builds in beforeAll use it). */
async function finished(id: string): Promise<JobRecord> {
  await jobManager().settled();
  return ((await (await app.request(`/api/jobs/${id}`)).json()) as { job: JobRecord }).job;
}

async function build(body: Record<string, unknown>): Promise<JobRecord> {
  const res = await post('/api/lm/build', body);
  expect(res.status).toBe(202);
  return finished(((await res.json()) as { job: JobRecord }).job.id);
}

const LINES = ['the cat sat on the mat', 'the dog sat on the log', 'a cat and a dog', '模型预测下一个词元'];

beforeAll(async () => {
  await addUserCorpus('pets', new TextEncoder().encode(Array.from({ length: 200 }, (_, i) => LINES[i % LINES.length]).join('\n') + '\n'));
  const job = await build({ tokenizer: 'cl100k_base', corpus: 'pets', order: 3, name: 'pets3' });
  expect(job.state).toBe('done');
}, 120_000);

afterAll(async () => {
  for (const j of jobManager().list()) jobManager().cancel(j.id);
  await jobManager().settled();
});

describe('building a model', () => {
  it('builds in the background and records the model with its held-out bits per byte', async () => {
    const { models } = (await (await app.request('/api/lm')).json()) as { models: ModelRecord[] };
    const m = models.find((x) => x.name === 'pets3')!;
    expect(m).toMatchObject({ tokenizer: 'cl100k_base', corpus: 'pets', order: 3 });
    expect(m.vocabularySize).toBeGreaterThan(100_000); // lab mode: cl100k_base's whole vocabulary
    expect(m.ngrams).toHaveLength(3);
    expect(m.sequences).toBeGreaterThan(150);
    expect(m.heldOut!.tokens).toBeGreaterThan(0);
    // the held-out lines repeat the train lines: a few bits per byte at most, far below 8
    expect(m.heldOut!.bitsPerByte).toBeGreaterThan(0);
    expect(m.heldOut!.bitsPerByte).toBeLessThan(1);
    const job = jobManager()
      .list('lm')
      .find((j) => j.name === 'pets3')!;
    expect(job.message).toMatch(/saved model pets3/);
    expect(job.progress).toMatchObject({ phase: 'saving', sequences: m.sequences });
  });

  it('names the model after corpus, tokenizer and order when no name is given; a taken name is 409', async () => {
    const job = await build({ tokenizer: 'o200k_base', corpus: 'pets', order: 2 });
    expect(job.state).toBe('done');
    expect(job.name).toBe('pets.o200k_base.2');
    const again = await post('/api/lm/build', { tokenizer: 'o200k_base', corpus: 'pets', order: 2 });
    expect(again.status).toBe(409);
  });

  it('puts both models on the bits-per-byte board of their corpus', async () => {
    const html = await (await app.request('/lm')).text();
    expect(html).toContain('data-corpus="pets"');
    expect(html).toMatch(/pets3[\s\S]*pets\.o200k_base\.2|pets\.o200k_base\.2[\s\S]*pets3/);
  });

  it('refuses bad requests: 400 malformed, 404 unknown tokenizer or corpus, 400 for a bad order', async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{ tokenizer: 'cl100k_base', corpus: 'pets', order: 9 }, 400, /order/],
      [{ tokenizer: 'cl100k_base', corpus: 'pets', order: 0 }, 400, /order/],
      [{ tokenizer: 'cl100k_base', corpus: 'pets', order: '3' }, 400, /order/],
      [{ tokenizer: 'nope', corpus: 'pets', order: 3 }, 404, /tokenizer/],
      [{ tokenizer: 'cl100k_base', corpus: 'nope', order: 3 }, 404, /corpus/],
      [{ tokenizer: 'cl100k_base', corpus: 'pets', name: '../x' }, 400, /not allowed/],
      [[1, 2], 400, /JSON object/],
    ];
    for (const [body, status, message] of cases) {
      const res = await post('/api/lm/build', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    expect((await post('/api/lm/build', '{not json')).status).toBe(400);
  });
});

describe('querying a model', () => {
  it('scores a text: per-token log2 probabilities and the context each used, perplexity and bits per byte', async () => {
    const res = await post('/api/lm/pets3/score', { text: 'the cat sat on the mat\nthe zebra' });
    expect(res.status).toBe(200);
    const s = (await res.json()) as {
      totals: { sequences: number; tokens: number; perplexity: number; bitsPerByte: number; bytes: number };
      lines: Array<Array<Token & { log2prob: number; context: number }>>;
    };
    expect(s.totals.sequences).toBe(2);
    expect(s.lines[0].map((t) => t.text).join('')).toBe('the cat sat on the mat');
    expect(s.lines[0].at(-1)!.id).toBe(-2); // </s>
    expect(s.lines[0][0].context).toBe(1); // <s> only
    expect(s.lines[0][3].context).toBe(2); // an order-3 model sees two tokens
    const seen = s.lines[0].slice(1, -1).reduce((a, t) => a + t.log2prob, 0);
    const rarest = Math.min(...s.lines[1].map((t) => t.log2prob));
    expect(rarest).toBeLessThan(-15); // a token never seen: its share of the uniform part over ~100k tokens
    expect(seen).toBeGreaterThan(-5); // a line seen 50 times is nearly certain
    expect(s.totals.bytes).toBe(32);
    expect(s.totals.perplexity).toBeGreaterThan(1);
  });

  it('lists the next tokens with their probabilities and trie counts', async () => {
    const res = await post('/api/lm/pets3/next', { context: 'the cat', k: 3 });
    const n = (await res.json()) as {
      matched: number;
      top: Array<Token & { prob: number; count: number | null }>;
      unseen: { tokens: number; prob: number };
    };
    expect(n.matched).toBe(2);
    expect(n.top).toHaveLength(3);
    expect(n.top[0].text).toBe(' sat');
    expect(n.top[0].count).toBeGreaterThan(0);
    expect(n.top[0].prob).toBeGreaterThan(0.5);
    expect(n.unseen.tokens).toBeGreaterThan(100_000);
  });

  it('walks the trie: the root, <s>, then a child with counts and probabilities', async () => {
    const root = (await (await app.request('/api/lm/pets3/trie?path=')).json()) as {
      children: Array<Token & { count: number }>;
      node: { total: number };
    };
    expect(root.children.map((c) => c.text)).toContain('the');
    const start = (await (await app.request('/api/lm/pets3/trie?path=-1')).json()) as {
      children: Array<Token & { count: number; prob: number; children: number }>;
    };
    const the = start.children.find((c) => c.text === 'the')!;
    expect(the.count).toBeGreaterThan(0);
    expect(the.children).toBeGreaterThan(0);
    const below = (await (await app.request(`/api/lm/pets3/trie?path=-1,${the.id}`)).json()) as { children: Array<Token> };
    expect(below.children.map((c) => c.text).sort()).toEqual([' cat', ' dog']);
    expect((await app.request('/api/lm/pets3/trie?path=1,x')).status).toBe(400);
    expect((await app.request('/api/lm/pets3/trie?path=1,2,3,4')).status).toBe(400);
  });

  it('samples the same text twice with the same seed, and another with another seed', async () => {
    const ask = async (seed: number) =>
      (await (await post('/api/lm/pets3/sample', { seed, length: 30, temperature: 1.5 })).json()) as {
        text: string;
        tokens: Array<Token & { prob: number }>;
      };
    const a = await ask(7);
    const b = await ask(7);
    expect(a.text).toBe(b.text);
    expect(a.tokens.length).toBeGreaterThan(0);
    expect(a.tokens.every((t) => t.prob > 0 && t.prob <= 1)).toBe(true);
    const others = await Promise.all([1, 2, 3, 4, 5].map(ask));
    expect(others.some((o) => o.text !== a.text)).toBe(true);
    const prompted = (await (await post('/api/lm/pets3/sample', { prompt: 'the dog', seed: 1, topK: 1 })).json()) as {
      text: string;
      prompt: Token[];
    };
    expect(prompted.prompt.map((t) => t.text).join('')).toBe('the dog');
    // top-1 is greedy; after "on the" an order-3 model no longer sees "dog", so mat and log tie
    expect(prompted.text).toMatch(/^ sat on the (mat|log)$/);
  });

  it('scores an answer given a question, and given the question and a thought, with the window the model sees', async () => {
    const res = await post('/api/lm/pets3/answer', { question: 'the cat sat on', answer: ' the mat', thought: ' a dog and' });
    const a = (await res.json()) as {
      window: number;
      difference: number;
      withoutThought: { log2prob: number; tokens: Token[]; questionTokens: number; visibleQuestionTokens: number };
      withThought: { log2prob: number; tokens: Token[]; visibleQuestionTokens: number };
    };
    expect(a.window).toBe(2);
    expect(a.withoutThought.tokens.map((t) => t.text)).toEqual([' the', ' mat']);
    expect(a.withoutThought.visibleQuestionTokens).toBe(2);
    expect(a.withThought.visibleQuestionTokens).toBe(0);
    expect(a.withoutThought.log2prob).toBeGreaterThan(a.withThought.log2prob); // the thought leads elsewhere
    expect(a.difference).toBeCloseTo(a.withThought.log2prob - a.withoutThought.log2prob, 9);
    // a far-away prefix does not matter: only the last two tokens before A are seen
    const far = (await (await post('/api/lm/pets3/answer', { question: 'a dog and a cat sat on', answer: ' the mat' })).json()) as typeof a;
    expect(far.withoutThought.log2prob).toBe(a.withoutThought.log2prob);
    expect(far.withThought).toBeNull();
  });

  it('refuses bad view requests: 404 unknown model, 400 bad parameters, 413 too much text', async () => {
    expect((await post('/api/lm/nope/score', { text: 'x' })).status).toBe(404);
    expect((await post('/api/lm/pets3/score', {})).status).toBe(400);
    expect((await post('/api/lm/pets3/next', { context: 'x', k: 0 })).status).toBe(400);
    for (const body of [{ temperature: 0 }, { topP: 1.5 }, { topK: -1 }, { length: 100_000 }, { seed: 1.5 }]) {
      const res = await post('/api/lm/pets3/sample', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(Object.keys(body)[0]);
    }
    expect((await post('/api/lm/pets3/answer', { question: 'q', answer: '' })).status).toBe(400);
    const big = await post('/api/lm/pets3/score', { text: 'x'.repeat(100_001) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toMatch(/limit/);
  });
});

describe('pages', () => {
  it('renders each view of a model with its result, user text escaped', async () => {
    const page = async (q: string) => (await app.request(`/lm/pets3?${q}`)).text();
    expect(await page('view=surprisal&text=%3Cb%3Ethe+cat')).toMatch(/id="lm-perplexity"/);
    expect(await page('view=surprisal&text=%3Cb%3Ethe+cat')).not.toContain('<b>the');
    expect(await page('view=next&context=the+cat&k=5')).toMatch(/id="lm-next"/);
    expect(await page('view=trie&path=-1')).toMatch(/id="lm-trie"/);
    expect(await page('view=sample&seed=3&length=10')).toMatch(/id="lm-sample-text"/);
    const qa = await page('view=qa&question=the+cat+sat+on&answer=+the+mat&thought=+a+dog+and');
    expect(qa).toMatch(/id="lm-without"/);
    expect(qa).toMatch(/id="lm-with"/);
    expect(qa).toMatch(/id="lm-window-size">2</);
    expect((await app.request('/lm/nope')).status).toBe(404);
  });

  it('opens the Q&A tab with no answer typed (seeded from another tab, or empty) without an error, and no result', async () => {
    for (const q of ['view=qa&question=the+cat', 'view=qa&text=the+cat&question=the+cat&answer=', 'view=qa']) {
      const res = await app.request(`/lm/pets3?${q}`);
      expect(res.status, q).toBe(200);
      const html = await res.text();
      expect(html, q).not.toMatch(/class="error"|must be/);
      expect(html, q).not.toMatch(/id="lm-without"/);
    }
    const fragment = await app.request('/fragment/lm/pets3/qa', {
      method: 'POST',
      body: new URLSearchParams({ question: 'the cat', answer: '' }),
    });
    expect(fragment.status).toBe(200);
    expect(await fragment.text()).toBe('');
    const typed = await app.request('/fragment/lm/pets3/qa', {
      method: 'POST',
      body: new URLSearchParams({ question: 'the cat', answer: ' sat' }),
    });
    expect(await typed.text()).toMatch(/id="lm-without"/);
  });

  it('streams a sample to htmx token by token, ending with the result the fragment draws without streaming', async () => {
    const fields = { prompt: 'the', seed: '5', length: '40', temperature: '1.5' };
    const ask = (accept: string) =>
      app.request('/fragment/lm/pets3/sample', {
        method: 'POST',
        body: new URLSearchParams(fields),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'HX-Request': 'true', accept },
      });
    const whole = await (await ask('text/html')).text();
    const streamed = await ask('text/html, text/event-stream'); // what htmx's SSE extension sends
    expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const messages = (await streamed.text())
      .split('\n\n')
      .filter((m) => m !== '')
      .map((m) => m.replace(/^data: /gm, ''));
    const api = (await (await post('/api/lm/pets3/sample', { ...fields, seed: 5, length: 40, temperature: 1.5 })).json()) as {
      tokens: Token[];
    };
    expect(messages[0]).toContain('id="lm-sample-drawing"');
    const drawn = messages.slice(1, -1);
    expect(drawn).toHaveLength(api.tokens.length); // a message a token
    for (const d of drawn) expect(d).toMatch(/^<hx-partial hx-target="#lm-sample-tokens" hx-swap="beforeend"><span class="lm-tok"/);
    expect(messages.at(-1)).toBe(`<hx-partial hx-target="#lm-result" hx-swap="innerMorph">${whole}</hx-partial>`);
  });

  /** The query of the first link whose opening tag matches `attr` (HTML attribute escapes undone). */
  const linkQuery = (html: string, attr: RegExp): URLSearchParams => {
    const tag = html.match(new RegExp(`<a[^>]*${attr.source}[^>]*>`))?.[0];
    expect(tag, `a link with ${attr.source}`).toBeDefined();
    const href = tag!.match(/href="([^"]*)"/)![1].replaceAll('&amp;', '&');
    return new URL(href, 'http://lab').searchParams;
  };

  it('carries every view’s fields across the tabs; an empty text is seeded with the text of the view left', async () => {
    const html = await (await app.request('/lm/pets3?view=surprisal&text=the+cat&seed=7&question=why%3F')).text();
    const next = linkQuery(html, /data-view="next"/);
    expect(Object.fromEntries(next)).toEqual({ view: 'next', text: 'the cat', context: 'the cat', seed: '7', question: 'why?' });
    expect(linkQuery(html, /data-view="qa"/).get('question')).toBe('why?'); // a view's own text is never overwritten
    // the other views' fields ride in the form as hidden inputs, so a form sent keeps them
    expect(html).toContain('<input type="hidden" name="seed" value="7"/>');
    expect(html).toContain('<input type="hidden" name="question" value="why?"/>');
    const fragment = await app.request('/fragment/lm/pets3/surprisal', {
      method: 'POST',
      body: new URLSearchParams({ view: 'surprisal', text: 'the dog', seed: '7', temperature: '1' }),
    });
    expect(fragment.headers.get('HX-Replace-Url')).toBe('/lm/pets3?view=surprisal&text=the+dog&seed=7'); // defaults stay out
  });

  it('lets a user walk a continuation: each next token links to the context with it appended', async () => {
    const html = await (await app.request('/lm/pets3?view=next&context=the+cat&k=5&text=kept')).text();
    const walk = linkQuery(html, /title="append this token to the context"/);
    expect(walk.get('context')).toBe('the cat sat'); // " sat" always followed "the cat"
    expect(walk.get('text')).toBe('kept');
    expect(html.match(/class="lm-bar-link"/g)!.length).toBeGreaterThanOrEqual(1);
    const next = await (await app.request(`/lm/pets3?${walk}`)).text();
    expect(linkQuery(next, /title="append this token to the context"/).get('context')).toBe('the cat sat on');
    // </s> cannot be appended: after a whole line it is the top token, and it is no link
    const end = await (await app.request('/lm/pets3?view=next&context=the+cat+sat+on+the+mat&k=1')).text();
    expect(end).toContain('&lt;/s&gt;</code>');
    expect(end).not.toContain('title="append this token to the context"');
  });

  it('links the next-token view and the trie explorer for the same context', async () => {
    const html = await (await app.request('/lm/pets3?view=next&context=the+cat&k=5')).text();
    const trie = linkQuery(html, /id="lm-to-trie"/);
    const [the, cat] = (
      (await (await post('/api/lm/pets3/next', { context: 'the cat', k: 1 })).json()) as { context: Token[] }
    ).context.map((t) => t.id);
    expect(trie.get('path')).toBe(`${the},${cat}`); // the two tokens an order-3 model matched
    expect(trie.get('context')).toBe('the cat');
    const trieHtml = await (await app.request(`/lm/pets3?${trie}`)).text();
    expect(trieHtml).toMatch(/id="lm-trie"/);
    const back = linkQuery(trieHtml, /id="lm-to-next"/);
    expect(back.get('context')).toBe('the cat');
    expect(trieHtml).toContain('taken as the start of a line');
    const fromStart = await (await app.request(`/lm/pets3?view=trie&path=-1,${the}`)).text();
    expect(linkQuery(fromStart, /id="lm-to-next"/).get('context')).toBe('the');
    expect(fromStart).not.toContain('taken as the start of a line');
    const cut = await (await app.request('/lm/pets3?view=trie&path=27699')).text(); // cl100k token 27699 is the bytes e6 b5: half of 测
    expect(cut).toMatch(/id="lm-no-next"/);
    expect(cut).not.toMatch(/id="lm-to-next"/);
  });

  it('gives the surprisal view a colour legend and names the n-gram each token matched on hover', async () => {
    const html = await (await app.request('/lm/pets3?view=surprisal&text=the+cat+sat')).text();
    expect(html).toMatch(/id="lm-legend"/);
    expect(html.match(/class="lm-swatch"/g)).toHaveLength(6);
    expect(html).toContain('16+ bits · P ≤ 1/65536');
    expect(html).toContain('matched a 2-gram: context used 1 of the 1 token it could see: &lt;s&gt;'); // "the" after <s>
    expect(html).toContain('matched a 3-gram: context used 2 of the 2 tokens it could see: the|·cat'); // " sat" (spaces shown as ·)
  });

  it('gives each view fragment the page URL of its result (shareable), unless the text is too long for a URL', async () => {
    const res = await app.request('/fragment/lm/pets3/next', { method: 'POST', body: new URLSearchParams({ context: 'the cat', k: '5' }) });
    expect(res.headers.get('HX-Replace-Url')).toBe('/lm/pets3?view=next&context=the+cat&k=5');
    expect(await (await app.request(res.headers.get('HX-Replace-Url')!)).text()).toMatch(/id="lm-next"/);
    const long = await app.request('/fragment/lm/pets3/surprisal', {
      method: 'POST',
      body: new URLSearchParams({ text: 'the cat '.repeat(1000) }),
    });
    expect(long.status).toBe(200);
    expect(long.headers.get('HX-Replace-Url')).toBeNull();
  });

  it('draws at most 5000 tokens of a long text on the surprisal view; the totals cover all of it', async () => {
    const text = Array.from({ length: 1000 }, () => 'the cat sat on the mat').join('\n'); // 1000 × (6 tokens + </s>)
    const html = await (await app.request('/fragment/lm/pets3/surprisal', { method: 'POST', body: new URLSearchParams({ text }) })).text();
    expect(html.match(/class="lm-tok"/g)).toHaveLength(5000);
    expect(html).toMatch(/id="lm-cut">The first 5000 tokens are drawn; the totals cover all 7000/);
  });

  it('shows the size of the space as a power of ten, computed without overflow', async () => {
    expect(log10SequenceCount(10, 3)).toBeCloseTo(Math.log10(1110), 12);
    expect(log10SequenceCount(2, 10)).toBeCloseTo(Math.log10(2046), 12);
    expect(log10SequenceCount(1, 5)).toBeCloseTo(Math.log10(5), 12);
    expect(log10SequenceCount(100_277, 1000)).toBeCloseTo(1000 * Math.log10(100_277) + Math.log10(100_277 / 100_276), 9);
    const html = await (await app.request('/fragment/lm/space?L=10&K=3')).text();
    expect(html).toContain('3.045'); // log10(1110)
    expect(await (await app.request('/fragment/lm/space?L=0&K=3')).text()).toMatch(/&quot;L&quot; must be an integer/);
  });

  it('deletes a model from its page; a model rebuilt under the same name is read again, not served from the cache', async () => {
    await build({ tokenizer: 'cl100k_base', corpus: 'pets', order: 1, name: 'doomed' });
    const contexts = async () => {
      const s = (await (await post('/api/lm/doomed/score', { text: 'the cat sat' })).json()) as {
        lines: Array<Array<{ context: number }>>;
      };
      return Math.max(...s.lines[0].map((t) => t.context));
    };
    expect(await contexts()).toBe(0); // a unigram model uses no context
    const res = await app.request('/lm/doomed/delete', { method: 'POST' });
    expect(res.status).toBe(303);
    expect((await app.request('/api/lm/doomed')).status).toBe(404);
    expect((await app.request('/api/lm/doomed', { method: 'DELETE' })).status).toBe(404);
    expect((await app.request('/lm/doomed/delete', { method: 'POST' })).status).toBe(404);
    await build({ tokenizer: 'cl100k_base', corpus: 'pets', order: 2, name: 'doomed' });
    expect(await contexts()).toBe(1);
  });
});

describe('a model over your vocabulary', () => {
  it('is refused with 409 once its tokenizer is deleted', async () => {
    const train = await post('/api/train', {
      name: 'petvocab',
      corpora: ['pets'],
      vocabSize: 300,
      pattern: 'cjk',
      minFrequency: 2,
      specials: [],
    });
    expect(train.status).toBe(202);
    expect((await finished(((await train.json()) as { job: JobRecord }).job.id)).state).toBe('done');
    expect((await build({ tokenizer: 'petvocab', corpus: 'pets', order: 2, name: 'petlm' })).state).toBe('done');
    expect((await post('/api/lm/petlm/score', { text: 'the cat' })).status).toBe(200);
    expect((await app.request('/api/vocabularies/petvocab', { method: 'DELETE' })).status).toBe(200);
    const res = await post('/api/lm/petlm/score', { text: 'the cat' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/tokenizer petvocab, which no longer exists/);
    expect((await app.request('/lm/petlm')).status).toBe(409);
  });
});

describe('the build form', () => {
  const form = (fields: Record<string, string>, htmx: boolean) =>
    app.request('/lm', { method: 'POST', body: new URLSearchParams(fields), headers: htmx ? { 'HX-Request': 'true' } : {} });

  it('starts a build: a plain post is redirected to the job, htmx gets the panel with the job list beside it', async () => {
    const plain = await form({ tokenizer: 'cl100k_base', corpus: 'pets', order: '2', name: 'by-form' }, false);
    expect(plain.status).toBe(303);
    const id = new URL(plain.headers.get('location')!, 'http://x').searchParams.get('job')!;
    expect((await finished(id)).state).toBe('done');
    const panel = await (await app.request(`/fragment/lm-job/${id}`)).text();
    expect(panel).toContain('id="lm-job-panel"');
    expect(panel).not.toContain('hx-trigger="every 500ms"'); // finished: the polling stops
    expect(panel).toMatch(/<table id="lm-models"[^>]*hx-swap-oob="true"[\s\S]*by-form/); // the model table follows
    const htmx = await form({ tokenizer: 'cl100k_base', corpus: 'pets', order: '2', name: 'by-htmx' }, true);
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get('HX-Replace-Url')).toMatch(/^\/lm\?job=/);
    const html = await htmx.text();
    expect(html).toContain('id="lm-job-panel"');
    expect(html).toMatch(/id="lm-job-list"[^>]*hx-swap-oob="true"/);
    await jobManager().settled();
  });

  it('shows a refusal with its status: the page for a plain post, a fragment for htmx', async () => {
    const plain = await form({ tokenizer: 'cl100k_base', corpus: 'pets', order: 'five' }, false);
    expect(plain.status).toBe(400);
    expect(await plain.text()).toMatch(/class="error"[^>]*>&quot;order&quot; must be an integer/);
    const htmx = await form({ tokenizer: 'cl100k_base', corpus: 'nope', order: '3' }, true);
    expect(htmx.status).toBe(404); // an unknown name, as /api/lm/build answers it
    expect(await htmx.text()).toMatch(/class="error">unknown corpus/);
  });
});

describe('the build job', () => {
  it('shows its progress while it tokenizes, and stops when cancelled from its panel, saving no model', async () => {
    const res = await post('/api/lm/build', { tokenizer: 'cl100k_base', corpus: 'wordnet-en', order: 3, name: 'cancelled' });
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as { job: JobRecord };
    await new Promise<void>((resolve) => {
      const stop = jobManager().subscribe(job.id, (j) => {
        if (j.progress === null) return;
        stop();
        resolve();
      });
    });
    const panel = await (await app.request(`/fragment/lm-job/${job.id}`)).text();
    expect(panel).toContain('hx-trigger="every 500ms"');
    expect(panel).toMatch(/id="lm-progress-text">tokenizing the train split · [\d.]+ (B|KiB|MiB) of 1\.\d MiB read/);
    const cancelled = await app.request(`/fragment/lm-job/${job.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    const done = await finished(job.id);
    expect(done.state).toBe('cancelled');
    expect(done.progress).toMatchObject({ phase: 'tokenizing' });
    expect((await app.request('/api/lm/cancelled')).status).toBe(404);
    expect((await app.request('/fragment/lm-job/nope/cancel', { method: 'POST' })).status).toBe(404);
  });

  it('answers 429 when the queue is full', async () => {
    const jobs = jobManager();
    // jobs that run until cancelled fill the one running slot and the queue
    jobs.define(
      'block',
      (_job, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('cancelled')))),
    );
    const blockers = Array.from({ length: jobs.maxRunning + jobs.maxQueued }, (_, i) => jobs.submit('block', `b${i}`, {}));
    const res = await post('/api/lm/build', { tokenizer: 'cl100k_base', corpus: 'pets', order: 2, name: 'waits' });
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: string }).error).toMatch(/too many jobs/);
    for (const b of blockers) jobs.cancel(b.id);
    await jobs.settled();
  });
});
