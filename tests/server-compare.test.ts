import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { languageTaxOfPairs } from '../src/eval/metrics.js';
import { createApp } from '../src/server/app.js';
import { defaultCompared } from '../src/server/compare-page.js';
import { PARALLEL_CORPORA } from '../src/server/compare.js';
import { bundledCorpus } from '../src/store/corpora/extract.js';
import { MAX_TEXT_BYTES } from '../src/server/limits.js';
import { tokenizerByName } from '../src/store/tokenizers.js';
import { COMPARE_WINDOW } from '../views/compare.js';
import { jsonPoster } from './requests.js';

const app = createApp();
const postJson = jsonPoster(app);
const postCompare = (body: unknown) => postJson('/api/compare', body);

function fragment(text: string, tokenizers: string[]) {
  const body = new URLSearchParams({ text });
  for (const t of tokenizers) body.append('tokenizers', t);
  return app.request('/fragment/compare', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' },
    body: body.toString(),
  });
}

interface Compared {
  tokenizer: string;
  count: number;
  bytesPerToken: number | null;
  boundaries: number[];
  languageTax: {
    pairs: number;
    chineseTokens: number;
    englishTokens: number;
    tax: number;
    perPair: number[];
    spread: { low: number; median: number; high: number };
  };
}
interface ComparisonJson {
  characters: number;
  bytes: number;
  tokenizers: Compared[];
  differing: number[];
}

const MIXED = 'Hello 世界, tokens! 猫 and 🤖 in one line.\n第二行：分词器。';
// The panel's sample: the aligned corpora's lines, corpus after corpus (sentence pairs, then whole documents).
const PARALLEL = (
  await Promise.all(PARALLEL_CORPORA.map(async (name) => readFileSync((await bundledCorpus(name)).path, 'utf8').split('\n')))
)
  .flat()
  .filter((l) => l !== '');

describe('POST /api/compare', () => {
  it('gives each tokenizer its count, bytes per token and boundaries, and the boundaries not all share', async () => {
    const res = await postCompare({ text: 'Hello 世界', tokenizers: ['cl100k_base', 'o200k_base'] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ComparisonJson;
    expect(body).toMatchObject({ characters: 8, bytes: 12 });
    // cl100k_base: Hello | " " | 世 (two tokens, cut inside it) | 界; o200k_base: Hello | " 世界".
    expect(body.tokenizers.map((t) => [t.tokenizer, t.count, t.boundaries])).toEqual([
      ['cl100k_base', 5, [5, 6, 7]],
      ['o200k_base', 2, [5]],
    ]);
    expect(body.tokenizers[0].bytesPerToken).toBeCloseTo(12 / 5);
    expect(body.differing).toEqual([6, 7]);
  });

  it('agrees with /api/tokenize: the same counts, and a boundary wherever the next token starts at one', async () => {
    const names = ['gpt2', 'cl100k_base', 'o200k_base', 'tokenlab-cjk-32k'];
    const body = (await (await postCompare({ text: MIXED, tokenizers: names })).json()) as ComparisonJson;
    const all = new Map<number, number>();
    for (const [i, name] of names.entries()) {
      const single = (await (
        await app.request('/api/tokenize', { method: 'POST', body: JSON.stringify({ text: MIXED, tokenizer: name }) })
      ).json()) as {
        count: number;
        tokens: { start: number; end: number }[];
      };
      expect(body.tokenizers[i].count).toBe(single.count);
      const expected = single.tokens.slice(1).flatMap((t, k) => (t.start === single.tokens[k].end ? [t.start] : []));
      expect(body.tokenizers[i].boundaries).toEqual(expected);
      for (const b of expected) all.set(b, (all.get(b) ?? 0) + 1);
    }
    const differing = [...all]
      .filter(([, n]) => n < names.length)
      .map(([b]) => b)
      .sort((a, b) => a - b);
    expect(body.differing).toEqual(differing);
    expect(body.differing.length).toBeGreaterThan(0);
  });

  it('puts no boundary inside a split character', async () => {
    const body = (await (await postCompare({ text: '猫猫', tokenizers: ['gpt2', 'cl100k_base'] })).json()) as ComparisonJson;
    for (const t of body.tokenizers) for (const b of t.boundaries) expect(b).toBe(1);
  });

  it("gives each tokenizer's language tax on the bundled zh/en sample", async () => {
    const body = (await (await postCompare({ text: '', tokenizers: ['cl100k_base', 'tokenlab-cjk-32k'] })).json()) as ComparisonJson;
    for (const t of body.tokenizers) {
      const tokenizer = await tokenizerByName(t.tokenizer);
      expect(t.languageTax).toEqual(languageTaxOfPairs(PARALLEL, (text) => tokenizer.count(text)));
      expect(t.count).toBe(0);
      expect(t.bytesPerToken).toBeNull();
    }
    expect(body.tokenizers[0].languageTax.pairs).toBe(PARALLEL.length);
    // Per document too: the last line is a whole release's notes, its tax its own tokens' ratio.
    const [zh, en] = PARALLEL.at(-1)!.split('\t');
    const cl100k = await tokenizerByName('cl100k_base');
    expect(body.tokenizers[0].languageTax.perPair.at(-1)).toBe(cl100k.count(zh) / cl100k.count(en));
    // cl100k_base spends far more tokens on the Chinese side than on the English; the CJK vocabulary much less.
    expect(body.tokenizers[0].languageTax.tax).toBeGreaterThan(1.3);
    expect(body.tokenizers[1].languageTax.tax).toBeLessThan(body.tokenizers[0].languageTax.tax);
  });

  it('refuses fewer than 2 or more than 6 tokenizers, or one twice, with a 400', async () => {
    for (const tokenizers of [
      ['cl100k_base'],
      [],
      ['gpt2', 'r50k_base', 'p50k_base', 'p50k_edit', 'cl100k_base', 'o200k_base', 'tokenlab-cjk-32k'],
    ]) {
      const res = await postCompare({ text: 'x', tokenizers });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(`choose 2 to 6 tokenizers to compare (${tokenizers.length} chosen)`);
    }
    const twice = await postCompare({ text: 'x', tokenizers: ['gpt2', 'gpt2'] });
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { error: string }).error).toMatch(/"gpt2" is chosen twice/);
  });

  it('refuses malformed requests with a 400 and a JSON error', async () => {
    for (const res of [
      await postCompare('{"text":'),
      await postCompare('["x"]'),
      await postCompare({ text: 'x' }),
      await postCompare({ text: 'x', tokenizers: 'gpt2,cl100k_base' }),
      await postCompare({ text: 'x', tokenizers: ['gpt2', 5] }),
      await postCompare({ tokenizers: ['gpt2', 'cl100k_base'] }),
    ]) {
      expect(res.status).toBe(400);
      expect(typeof ((await res.json()) as { error: unknown }).error).toBe('string');
    }
  });

  it('an unknown tokenizer is a 404 naming it', async () => {
    const res = await postCompare({ text: 'x', tokenizers: ['gpt2', 'nope_base'] });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/unknown tokenizer "nope_base"/), tokenizer: 'nope_base' });
  });

  it('a text over 1 MB is a 413 with the limit', async () => {
    const res = await postCompare({ text: 'a'.repeat(MAX_TEXT_BYTES + 1), tokenizers: ['gpt2', 'cl100k_base'] });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/limit/), limit: MAX_TEXT_BYTES });
  });
});

describe('compare page', () => {
  it('ticks the default tokenizers, grouped by kind, and posts the form as you type or tick', async () => {
    const res = await app.request('/compare');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<textarea name="text"[^>]*hx-post="\/fragment\/compare"[^>]*hx-trigger="input changed delay:300ms"/);
    expect(html).toMatch(/<textarea[^>]*hx-sync="closest form:replace"/);
    const ticked = [...html.matchAll(/<input type="checkbox" name="tokenizers" value="([^"]+)" checked/g)].map((m) => m[1]);
    expect(ticked).toEqual(defaultCompared());
    expect(ticked.slice(0, 2)).toEqual(['cl100k_base', 'o200k_base']);
    expect(html).toMatch(/<input type="checkbox" name="tokenizers" value="gpt2" hx-post="\/fragment\/compare"[^>]*hx-trigger="change"/);
    expect(html).toMatch(/tiktoken:<\/span>.*gpt2.*shipped with tokenlab:<\/span>.*tokenlab-cjk-32k/s);
    expect(html).toContain('<a href="/compare">Compare</a>');
  });

  it('restores text and tokenizers from the URL: a panel, a bar and a count per tokenizer', async () => {
    const q = new URLSearchParams({ text: 'Hello 世界' });
    q.append('tokenizers', 'o200k_base');
    q.append('tokenizers', 'cl100k_base');
    const html = await (await app.request(`/compare?${q}`)).text();
    expect(html).toMatch(/<textarea[^>]*>\nHello 世界<\/textarea>/);
    expect([...html.matchAll(/<section class="cmp-panel" data-tokenizer="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'o200k_base',
      'cl100k_base',
    ]);
    expect([...html.matchAll(/<strong class="cmp-count">(\d+)<\/strong>/g)].map((m) => Number(m[1]))).toEqual([2, 5]);
    const chart = html.match(/<svg class="cmp-chart" role="img" aria-label="tokens per tokenizer".*?<\/svg>/s)![0];
    const widths = [...chart.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0] / widths[1]).toBeCloseTo(2 / 5, 2);
  });

  it('marks the end of each token whose boundary not every tokenizer shares', async () => {
    const html = await (await fragment('Hello 世界', ['cl100k_base', 'o200k_base'])).text();
    expect(html).toContain('<strong id="differing">2</strong> of 3 boundary places');
    const cl100k = html.slice(html.indexOf('data-tokenizer="cl100k_base"'), html.indexOf('data-tokenizer="o200k_base"'));
    // " " ends at 6 and the split 世 at 7: both marked; "Hello" ends at 5, shared by o200k_base's "Hello".
    expect(cl100k).toMatch(/<span class="t cut"[^>]*> <\/span><span class="grp cut"/);
    expect(cl100k).toMatch(/<span class="t" [^>]*>Hello<\/span>/);
    const o200k = html.slice(html.indexOf('data-tokenizer="o200k_base"'));
    expect(o200k).not.toMatch(/class="t cut"/);
  });

  it('the fragment moves the URL to a shareable one that gives the same page', async () => {
    const res = await fragment('Hello 世界', ['cl100k_base', 'gpt2']);
    const url = res.headers.get('hx-replace-url')!;
    expect(url).toBe('/compare?text=Hello+%E4%B8%96%E7%95%8C&tokenizers=cl100k_base&tokenizers=gpt2');
    const page = await (await app.request(url)).text();
    expect(page).toContain('<input type="checkbox" name="tokenizers" value="gpt2" checked');
    expect(page).toContain('data-tokenizer="gpt2"');
  });

  it('says which choice it cannot compare, in the result, and keeps the URL in step', async () => {
    const one = await fragment('x', ['gpt2']);
    expect(one.status).toBe(200);
    expect(await one.text()).toMatch(/class="error".*choose 2 to 6 tokenizers to compare \(1 chosen\)/s);
    expect(one.headers.get('hx-replace-url')).toBe('/compare?text=x&tokenizers=gpt2');
    expect(await (await fragment('x', [])).text()).toMatch(/\(0 chosen\)/);
    const unknown = await app.request('/compare?tokenizers=gpt2&tokenizers=nope');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/class="error".*unknown tokenizer &quot;nope&quot;/s);
    const big = await fragment('a'.repeat(MAX_TEXT_BYTES + 1), ['gpt2', 'cl100k_base']);
    expect(await big.text()).toMatch(/class="error".*too large/s);
    expect(big.headers.get('hx-replace-url')).toBe('/compare?tokenizers=gpt2&tokenizers=cl100k_base');
  });

  it('draws the same leading stretch of a long text in each panel and says so', async () => {
    const text = ' word'.repeat(COMPARE_WINDOW); // one token per " word" for both
    const html = await (await fragment(text, ['gpt2', 'cl100k_base'])).text();
    expect([...html.matchAll(/<strong class="cmp-count">(\d+)<\/strong>/g)].map((m) => Number(m[1]))).toEqual([
      COMPARE_WINDOW,
      COMPARE_WINDOW,
    ]);
    expect(html.match(/<span class="t"/g)?.length).toBe(2 * (COMPARE_WINDOW / 5));
    expect(html).toContain(`tokens of the first ${COMPARE_WINDOW} characters`);
  });

  it('has a language-tax panel with each chosen tokenizer and what the tax means', async () => {
    const html = await (await fragment('', ['cl100k_base', 'tokenlab-cjk-32k'])).text();
    const panel = html.slice(html.indexOf('<section class="cmp-tax">'));
    expect(panel).toContain(`The same ${PARALLEL.length} texts`);
    for (const name of PARALLEL_CORPORA) expect(panel).toContain(`<code>${name}</code>`);
    expect(panel).toMatch(/above 1, saying the same thing in Chinese costs more tokens/);
    expect(panel).toMatch(/<svg class="cmp-chart" role="img" aria-label="language tax[^"]*"/);
    expect(panel).toContain('class="cmp-reference"');
    const cl100k = await tokenizerByName('cl100k_base');
    const tax = languageTaxOfPairs(PARALLEL, (t) => cl100k.count(t));
    expect(panel).toContain(
      `<th>cl100k_base</th><td>${tax.chineseTokens}</td><td>${tax.englishTokens}</td><td class="cmp-tax-value">${tax.tax.toFixed(2)}</td>` +
        `<td class="cmp-tax-spread">${tax.spread.median.toFixed(2)} (${tax.spread.low.toFixed(2)}–${tax.spread.high.toFixed(2)})</td>`,
    );
  });

  for (const payload of ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>']) {
    it(`escapes user text: ${payload}`, async () => {
      const pages = [
        await (await fragment(payload, ['gpt2', 'cl100k_base'])).text(),
        await (await app.request(`/compare?${new URLSearchParams({ text: payload })}`)).text(),
        await (await fragment('x', ['gpt2', payload])).text(),
        await (
          await app.request(
            `/compare?${new URLSearchParams([
              ['tokenizers', 'gpt2'],
              ['tokenizers', payload],
            ])}`,
          )
        ).text(),
      ];
      for (const html of pages) {
        expect(html).not.toContain(payload);
        expect(html).not.toMatch(/<script>alert|<img|onerror=alert[^&]*>/);
        expect(html).toContain('&lt;');
      }
    });
  }
});
