import { describe, expect, it } from 'vitest';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import { createApp } from '../src/server/app.js';
import { MAX_TEXT_BYTES } from '../src/server/limits.js';
import { saveUserVocabulary } from '../src/store/user-vocabularies.js';
import { MAX_RENDERED_TOKENS } from '../views/tokenize.js';
import { hueOf } from '../views/tokens.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('pages');

const app = createApp();

/** The text of the ids view (its hover targets' tags removed). */
function idsText(html: string): string {
  const pre = html.match(/<pre id="ids">(.*?)<\/pre>/s);
  if (pre === null) throw new Error('no ids view');
  return pre[1].replace(/<[^>]*>/g, '');
}

function fragment(fields: Record<string, string>) {
  return app.request('/fragment/tokenize', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' },
    body: new URLSearchParams(fields).toString(),
  });
}

const PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];

describe('tokenize page', () => {
  it('has a text area that posts to the fragment as you type, and a tokenizer chooser', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toMatch(/<textarea[^>]*hx-post="\/fragment\/tokenize"[^>]*hx-trigger="input changed delay:250ms"/);
    expect(html).toMatch(/<textarea[^>]*hx-sync="closest form:replace"/);
    expect(html).toMatch(/<select name="tokenizer"/);
    for (const name of ['gpt2', 'cl100k_base', 'o200k_base', 'tokenlab-cjk-32k']) expect(html).toContain(`<option value="${name}"`);
    expect(html).toContain('<option value="cl100k_base" selected');
    expect(html).toContain('src="/static/htmx.min.js"');
  });

  it('restores text and tokenizer from the query string and renders the result', async () => {
    const q = new URLSearchParams({ text: '你好, world', tokenizer: 'o200k_base', ws: '1' });
    const html = await (await app.request(`/?${q}`)).text();
    expect(html).toContain('<option value="o200k_base" selected');
    expect(html).toMatch(/<textarea[^>]*>\n你好, world<\/textarea>/);
    expect(html).toMatch(/<input type="checkbox" name="ws" value="1" checked/);
    expect(html).toContain('with <strong>o200k_base</strong>');
    expect(html).toContain('class="t"');
  });

  it('colors a token by a hue stable for its id', async () => {
    const html = await (await fragment({ text: 'a a a', tokenizer: 'cl100k_base' })).text();
    const styles = [...html.matchAll(/style="--h:(\d+)" data-id="(\d+)"/g)];
    expect(styles.length).toBe(3);
    for (const [, hue, id] of styles) expect(Number(hue)).toBe(hueOf(Number(id)));
    expect(await (await app.request('/static/lab.css')).text()).toMatch(
      /\.t \{\s*background: hsl\(var\(--h\) var\(--tok-s\) var\(--tok-l\)\);/,
    );
    expect(styles[1][1]).toBe(styles[2][1]); // " a" twice: the same id, the same color
    expect(hueOf(1)).not.toBe(hueOf(2));
  });

  it('the fragment has the spans, the statistics and the ids, and moves the URL to a shareable one', async () => {
    const res = await fragment({ text: '你好, world', tokenizer: 'cl100k_base' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith('<!DOCTYPE')).toBe(false);
    expect(html).toContain('<td id="count">4</td>');
    expect(idsText(html)).toBe('57668 53901 11 1917');
    expect(html).toMatch(/bytes \/ token<\/th><td>3\.25</);
    expect(html).toMatch(/tokens \/ Han character<\/th><td>1\.00</);
    expect(html).toMatch(/<th>han<\/th>/);
    const url = res.headers.get('hx-replace-url');
    expect(url).toBe(`/?${new URLSearchParams({ text: '你好, world', tokenizer: 'cl100k_base' })}`);
    const page = await (await app.request(url!)).text();
    expect(idsText(page)).toBe('57668 53901 11 1917');
  });

  it('shows whitespace glyphs on request while keeping the line breaks', async () => {
    const plain = await (await fragment({ text: 'a b\tc\nd', tokenizer: 'cl100k_base' })).text();
    expect(plain).not.toMatch(/[·→↵]/);
    const marked = await (await fragment({ text: 'a b\tc\nd', tokenizer: 'cl100k_base', ws: '1' })).text();
    expect(marked).toContain('·b');
    expect(marked).toContain('→\t');
    expect(marked).toContain('↵\n');
  });

  it('shows a split character once, with the hex bytes of its tokens grouped, and no U+FFFD', async () => {
    const html = await (await fragment({ text: '猫', tokenizer: 'cl100k_base' })).text();
    expect(html).toContain('<span class="grp-text">猫</span>');
    expect(html).toMatch(/>e7<\/span>.*>8c<\/span>.*>ab<\/span>/s);
    expect(html).not.toContain('\ufffd');
    expect(html).not.toContain('&#xfffd;');
  });

  it('an unknown tokenizer or a text over 1 MB is said clearly, without crashing', async () => {
    const unknown = await fragment({ text: 'x', tokenizer: 'nope' });
    expect(unknown.status).toBe(404); // htmx 4 swaps a refusal into #result with its status
    expect(await unknown.text()).toMatch(/class="error".*unknown tokenizer &quot;nope&quot;/s);
    const big = await fragment({ text: 'a'.repeat(MAX_TEXT_BYTES + 1), tokenizer: 'cl100k_base' });
    expect(await big.text()).toMatch(/class="error".*too large/s);
    expect(big.headers.get('hx-replace-url')).toBe('/?tokenizer=cl100k_base'); // no stale text in the URL
    const page = await app.request('/?tokenizer=nope&text=x');
    expect(page.status).toBe(404);
    expect(await page.text()).toMatch(/class="error"/);
  });

  it('draws the first MAX_RENDERED_TOKENS tokens of a long text and a marker that asks for more; the counts cover it all', async () => {
    const n = MAX_RENDERED_TOKENS + 100;
    const html = await (await fragment({ text: ' a'.repeat(n), tokenizer: 'cl100k_base' })).text();
    expect(html.match(/<span class="t"/g)?.length).toBe(MAX_RENDERED_TOKENS);
    expect(html).toContain(`<td id="count">${n}</td>`);
    expect(html).toMatch(
      new RegExp(
        `<span class="more note" hx-post="/fragment/tokens" hx-trigger="revealed" hx-swap="outerHTML" hx-include="#tokenize-form" hx-vals="{&quot;from&quot;:&quot;${MAX_RENDERED_TOKENS}&quot;}"[^>]*> … 100 more tokens, drawn as you scroll</span></div>`,
      ),
    );
    // The ids view holds every id (copying takes them all), the drawn ones as hover targets.
    expect(html.match(/<i>/g)?.length).toBe(MAX_RENDERED_TOKENS);
    expect(idsText(html).split(' ').length).toBe(n);
  });

  it('draws the rest window by window, each with its ids as hover targets out of band, until no marker is left', async () => {
    const text = '分词器把文本切成词元, then counts them: 猫 🤖\n'.repeat(400);
    const first = await (await fragment({ text, tokenizer: 'cl100k_base' })).text();
    const all = (
      (await (await app.request('/api/tokenize', { method: 'POST', body: JSON.stringify({ text, tokenizer: 'cl100k_base' }) })).json()) as {
        tokens: { id: number }[];
      }
    ).tokens;
    expect(all.length).toBeGreaterThan(2 * MAX_RENDERED_TOKENS);
    const drawn = [...first.matchAll(/data-id="(\d+)" data-i="(\d+)"/g)].map((m) => [Number(m[2]), Number(m[1])]);
    let ids = idsText(first.slice(first.indexOf('<pre id="ids">'), first.indexOf('<span id="ids-rest">')) + '</pre>');
    let from = first.match(/hx-vals="\{&quot;from&quot;:&quot;(\d+)&quot;\}"/);
    let windows = 1;
    while (from !== null) {
      const res = await app.request('/fragment/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ text, tokenizer: 'cl100k_base', from: from[1] }).toString(),
      });
      const html = await res.text();
      const spans = [...html.matchAll(/data-id="(\d+)" data-i="(\d+)"/g)].map((m) => [Number(m[2]), Number(m[1])]);
      expect(spans[0][0]).toBe(Number(from[1]));
      drawn.push(...spans);
      const targets = html.match(
        /<span hx-swap-oob="beforebegin:#ids-rest">(.*?)<\/span><span id="ids-rest" hx-swap-oob="innerHTML">/s,
      )![1];
      expect([...targets.matchAll(/<i>(\d+)<\/i>/g)].map((m) => Number(m[1]))).toEqual(spans.map(([, id]) => id));
      ids += targets.replace(/<[^>]*>/g, '');
      from = html.match(/hx-vals="\{&quot;from&quot;:&quot;(\d+)&quot;\}"/);
      windows++;
    }
    expect(windows).toBeGreaterThan(2);
    expect(drawn).toEqual(all.map((t, i) => [i, t.id]));
    expect(ids).toBe(all.map((t) => t.id).join(' '));
  });

  it('refuses a window that starts outside the tokens', async () => {
    for (const from of ['-1', '7', 'x', '']) {
      const res = await app.request('/fragment/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ text: 'a b c', tokenizer: 'cl100k_base', from }).toString(),
      });
      expect(res.status, from).toBe(400);
    }
  });

  it('ends a window at the end of a group of split characters, with an id for each drawn token', async () => {
    const text = ' a'.repeat(MAX_RENDERED_TOKENS - 2) + '猫猫'; // cl100k_base: 猫 is three tokens
    const html = await (await fragment({ text, tokenizer: 'cl100k_base' })).text();
    const drawn = html.match(/<span class="t[ "]/g)?.length;
    expect(drawn).toBeGreaterThan(MAX_RENDERED_TOKENS);
    expect(html.match(/<i>/g)?.length).toBe(drawn);
    expect(html).toMatch(
      /<span class="grp-text">猫<\/span>(<span class="t hex"[^>]*>[0-9a-f ]+<\/span>){3}<\/span><span class="more note"[^>]*hx-vals="\{&quot;from&quot;:&quot;(\d+)&quot;\}"[^>]*> … 3 more tokens/,
    );
    expect(html).toContain(`&quot;from&quot;:&quot;${drawn}&quot;`);
  });

  it('ties each drawn token and its id in the ids view by the token index, for hovering either', async () => {
    const html = await (await app.request(`/?${new URLSearchParams({ text: 'Hello 世界 猫' })}`)).text();
    expect(html).toContain('<p id="hover"');
    expect(html).toContain("closest('.tokens .t, #ids i')");
    const tokens = [...html.matchAll(/<span class="t[^"]*" style="[^"]*" data-id="(\d+)" data-i="(\d+)"/g)].map((m) => [m[2], m[1]]);
    // The ids view's hover targets, in order: the n-th is the id of token n.
    const ids = [...html.matchAll(/<i>(\d+)<\/i>/g)].map((m, i) => [String(i), m[1]]);
    expect(tokens.length).toBeGreaterThan(4);
    expect(tokens.some(([, id]) => html.includes(`class="t hex" style="--h:${hueOf(Number(id))}" data-id="${id}"`))).toBe(true);
    expect(tokens).toEqual(ids);
  });

  it('has a button that copies the ids', async () => {
    const html = await (await app.request('/?text=hi')).text();
    expect(html).toMatch(/<button[^>]*clipboard\.writeText[^>]*>\s*copy ids/);
  });

  it("groups the chooser: tiktoken's encodings, the shipped vocabularies, then the user's", async () => {
    const before = await (await app.request('/')).text();
    expect(before).not.toContain('<optgroup label="yours">');
    await saveUserVocabulary('my-vocab', trainOnTexts(['low lower lowest'], { pattern: 'gpt2', vocabSize: 260 }));
    const html = await (await app.request('/?tokenizer=my-vocab&text=lower')).text();
    const groups = [...html.matchAll(/<optgroup label="([^"]+)">(.*?)<\/optgroup>/gs)].map((m) => ({
      label: m[1],
      names: [...m[2].matchAll(/<option value="([^"]+)"/g)].map((o) => o[1]),
    }));
    expect(groups.map((g) => g.label)).toEqual(['tiktoken', 'shipped with tokenlab', 'yours']);
    expect(groups[0].names).toEqual(expect.arrayContaining(['gpt2', 'cl100k_base', 'o200k_base']));
    expect(groups[1].names).toEqual(['tokenlab-cjk-32k']);
    expect(groups[2].names).toEqual(['my-vocab']);
    expect(html).toContain('<option value="my-vocab" selected');
    expect(html).toContain('with <strong>my-vocab</strong>');
  });

  for (const payload of PAYLOADS) {
    it(`escapes user text: ${payload}`, async () => {
      for (const html of [
        await (await fragment({ text: payload, tokenizer: 'cl100k_base' })).text(),
        await (await fragment({ text: payload, tokenizer: 'cl100k_base', ws: '1' })).text(),
        await (await app.request(`/?${new URLSearchParams({ text: payload })}`)).text(),
        await (await fragment({ text: 'x', tokenizer: payload })).text(),
        await (await app.request(`/?${new URLSearchParams({ text: 'x', tokenizer: payload })}`)).text(),
      ]) {
        expect(html).not.toContain(payload);
        expect(html).not.toMatch(/<script>alert|<img|onerror=alert[^&]*>|<</);
        expect(html).toContain('&lt;');
      }
      // The spans hold the escaped text: unescaped, they give the payload back.
      const html = await (await fragment({ text: payload, tokenizer: 'cl100k_base' })).text();
      const texts = [...html.matchAll(/<span class="t"[^>]*>([^<]*)<\/span>/g)].map((m) => m[1]).join('');
      const unescaped = texts.replace(
        /&(lt|gt|quot|amp|#39);/g,
        (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&', '#39': "'" })[e]!,
      );
      expect(unescaped).toBe(payload);
    });
  }
});
