/**
 * The ∞-gram lab in Chromium: an index built from a bundled corpus on /lm (progress to the end), then the count
 * box and the trace view on its page, a traced span's occurrence followed to its corpus line.
 */
import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, inChromium, screenshot, useLab } from './browser.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('∞-gram indexes in the LM studio'), () => {
  const lab = useLab();

  const api = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${lab.url}/api/infgram/pz-ig/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  it('builds an index from a bundled corpus and follows its progress to the end', async () => {
    await lab.page.goto(`${lab.url}/lm`);
    expect(await lab.page.locator('#ig-indexes').textContent()).toContain('No indexes yet');
    const form = lab.page.locator('#ig-build-form');
    await form.locator('select[name=tokenizer]').selectOption('cl100k_base');
    await form.locator('input[name=corpora][value="parallel-zh-en"]').check();
    await form.locator('input[name=name]').fill('pz-ig');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => lab.page.locator('#ig-job-state').textContent(), { timeout: 60_000 }).toBe('done');
    expect(await lab.page.locator('#ig-job-message').textContent()).toMatch(/saved index pz-ig/);
    await expect.poll(() => lab.page.locator('#ig-indexes').textContent()).toContain('pz-ig');
    await screenshot(lab.page, 'infgram-list');
    await lab.page.locator('#ig-open').click();
    await expect.poll(() => lab.page.locator('h1').textContent()).toBe('pz-ig');
  });

  it('counts a text in the count box, as the API counts it, with links to its first occurrences', async () => {
    await lab.page.getByRole('link', { name: 'Count', exact: true }).click();
    await lab.page.waitForLoadState('domcontentloaded');
    const { count } = await api<{ count: number }>('count', { text: '语言' });
    expect(count).toBeGreaterThan(0);
    await lab.page.fill('textarea[name=text]', '语言');
    await lab.page.click('#ig-submit');
    await expect.poll(() => lab.page.locator('#ig-count').textContent()).toBe(String(count));
    expect(await lab.page.locator('#ig-occurrences a.ig-occ').count()).toBe(Math.min(20, count));
    await screenshot(lab.page, 'infgram-count');
  });

  it('traces a pasted text: its spans marked, each with first occurrences that open their corpus line', async () => {
    const line = (await (await fetch(`${lab.url}/api/infgram/pz-ig/line?line=3`)).json()) as { text: string };
    const text = `Zebras ${line.text} quux`;
    type Ids = { tokens: Array<{ id: number }> };
    const t = await api<Ids & { spans: Array<{ start: number; end: number }> }>('trace', { text, minLength: 4 });
    expect(t.spans.length).toBeGreaterThan(0);
    await lab.page.getByRole('link', { name: 'Trace', exact: true }).click();
    await lab.page.waitForLoadState('domcontentloaded');
    await lab.page.fill('textarea[name=text]', text);
    await lab.page.click('#ig-submit');
    await expect.poll(() => lab.page.locator('#ig-spans tr.ig-span').count()).toBe(t.spans.length);
    await lab.page.locator('#ig-trace-text .ig-covered').first().hover();
    expect(await lab.page.locator('#ig-hover').textContent()).toMatch(/^token \d+: span 1/);
    await screenshot(lab.page, 'infgram-trace');
    const longest = t.spans.reduce((a, s) => (s.end - s.start > a.end - a.start ? s : a));
    const row = lab.page.locator('#ig-spans tr.ig-span').nth(t.spans.indexOf(longest));
    await row.locator('a.ig-occ').first().click();
    await lab.page.waitForURL((u) => u.pathname === '/lm/infgram/pz-ig/line');
    const at = new URL(lab.page.url()).searchParams;
    const length = longest.end - longest.start;
    expect(Number(at.get('length'))).toBe(length);
    expect(await lab.page.locator('#ig-line-tokens .ig-covered').count()).toBe(length);
    // the marked tokens of the corpus line are the span's tokens
    const shown = (await (await fetch(`${lab.url}/api/infgram/pz-ig/line?line=${at.get('line')}`)).json()) as Ids & { text: string };
    const from = Number(at.get('token'));
    expect(shown.tokens.slice(from, from + length).map((x) => x.id)).toEqual(t.tokens.slice(longest.start, longest.end).map((x) => x.id));
    expect(await lab.page.locator('#ig-line-text').textContent()).toBe(shown.text);
    await screenshot(lab.page, 'infgram-line');
  });
});
