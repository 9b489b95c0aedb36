/**
 * The bug sweep: every page of the lab and every tab of every page, opened with empty inputs as a person first
 * meets them, shows no error before the user acts: no element of the views' error class (nor an alert), none of
 * the phrases refusals use ("must be", "Error"...), no script error and no failed request of the page's own.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, inChromium, useLab } from './browser.js';

/** What the views say when they refuse: the error class, alerts, and the words of refusals. */
const ERROR_ELEMENTS = '.error, [role=alert], #lm-error';
const ERROR_PHRASES = /\bmust (?:not )?be\b|\bError\b|\bis not allowed\b|\bno such\b|\bunknown (?:tokenizer|view|model)\b|\bfailed\b/;

/** The tabs of a page: links that switch a view of the same page (the LM and ∞-gram views, the tokenize modes). */
const TABS = 'a[data-view], nav.mode-tabs a';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('the bug sweep'), () => {
  const lab = useLab(async (lab) => {
    // Something for the pages that show one: a model and an ∞-gram index, built as the API builds them.
    const post = (path: string, body: unknown) =>
      fetch(`${lab.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const res of [
      await post('/api/lm/build', { tokenizer: 'cl100k_base', corpus: 'parallel-zh-en', order: 3, name: 'sweep-lm' }),
      await post('/api/infgram/build', { tokenizer: 'cl100k_base', corpora: ['parallel-zh-en'], name: 'sweep-ig' }),
    ])
      expect(res.status).toBe(202);
    const { jobManager } = await import('../src/jobs/job-manager.js'); // the lab runs in this process
    await jobManager().settled();
  });

  /** The problems on the page as it stands: error elements shown, error phrases in its text. */
  async function errorsShown(page: Page): Promise<string[]> {
    const shown: string[] = [];
    for (const e of await page.locator(ERROR_ELEMENTS).all()) {
      const text = ((await e.textContent()) ?? '').trim();
      if (text !== '' && (await e.isVisible())) shown.push(`error element: ${text}`);
    }
    const phrase = ERROR_PHRASES.exec(await page.locator('main').innerText());
    if (phrase !== null) shown.push(`error phrase: ${phrase[0]}`);
    return shown;
  }

  /** Opens `path`, then each of its tabs in turn, and returns what went wrong on each. */
  async function sweep(path: string): Promise<string[]> {
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    let where = path;
    page.on('pageerror', (e) => problems.push(`${where}: script error ${e.message}`));
    page.on('response', (r) => {
      if (r.url().startsWith(lab.url) && r.status() >= 400) problems.push(`${where}: ${r.status()} for ${new URL(r.url()).pathname}`);
    });
    const settle = async () => {
      await page.waitForLoadState('networkidle');
      problems.push(...(await errorsShown(page)).map((p) => `${where}: ${p}`));
    };
    await page.goto(`${lab.url}${path}`);
    await settle();
    const tabs = await page.locator(TABS).evaluateAll((links) => links.map((a) => (a as unknown as { href: string }).href));
    for (const href of tabs) {
      where = `${path} → ${new URL(href).pathname}${new URL(href).search}`;
      await page.goto(href);
      await settle();
    }
    await page.close();
    return problems;
  }

  const PAGES = [
    '/',
    '/chat',
    '/compare',
    '/compare/quality',
    '/train',
    '/vocab',
    '/vocab/tokenlab-cjk-32k',
    '/vocab/cl100k_base',
    '/corpora',
    '/lm',
    '/lm/sweep-lm',
    '/lm/infgram/sweep-ig',
  ];

  it.each(PAGES)('%s and its tabs show no error before the user acts', async (path) => {
    expect(await sweep(path)).toEqual([]);
  });

  it('every page of the header is swept', async () => {
    const page = await lab.browser.newPage();
    await page.goto(lab.url);
    const nav = await page
      .locator('.site-nav a')
      .evaluateAll((links) => links.map((a) => new URL((a as unknown as { href: string }).href).pathname));
    await page.close();
    expect(nav.filter((p) => !PAGES.includes(p))).toEqual([]);
  });
});
