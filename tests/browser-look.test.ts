import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, inChromium, screenshot, useLab } from './browser.js';
import { accessibleNameOfFocus, contrastsOf, focused, stylesOf, type Contrast } from './browser-look.js';

const TEXT = 'Tokenizers cut text into tokens. 分词器把文本切成词元 🙂 — done.';
const q = (params: Record<string, string | string[]>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) u.append(k, x);
  return u.toString();
};
/** A page of each kind, the tokenize and compare pages with a result drawn. */
const PAGES = [
  `/?${q({ text: TEXT, tokenizer: 'cl100k_base' })}`,
  `/chat`,
  `/compare?${q({ text: TEXT, tokenizers: ['cl100k_base', 'o200k_base', 'tokenlab-cjk-32k'] })}`,
  '/compare/quality',
  '/train',
  '/vocab',
  '/vocab/cl100k_base',
  '/corpora',
  '/lm',
];
const SCHEMES = ['light', 'dark'] as const;
/** WCAG 2 AA for body text. */
const AA = 4.5;

describe.skipIf(!HAVE_CHROMIUM)(inChromium('look: themes, narrow screens, keyboard, charts, palette'), () => {
  const lab = useLab();

  const lowest = (cs: Contrast[]) => cs.reduce((a, b) => (b.ratio < a.ratio ? b : a));

  it.each(SCHEMES)('body text and every token span meet WCAG AA contrast in the %s theme, in both palettes', async (scheme) => {
    await lab.page.emulateMedia({ colorScheme: scheme });
    for (const palette of ['hue', 'cb']) {
      await lab.page.goto(`${lab.url}${PAGES[0]}`);
      await lab.page.evaluate(`document.documentElement.dataset.palette = '${palette}'`);
      expect(await stylesOf(lab.page, 'body', 'backgroundColor')).not.toEqual(['rgba(0, 0, 0, 0)']);
      const body = await contrastsOf(lab.page, 'main p, main label, .stats td, .stats th, #ids i, .note');
      const tokens = await contrastsOf(lab.page, '.tokens .t');
      expect(tokens.length).toBeGreaterThan(10);
      expect(lowest(body).ratio, JSON.stringify(lowest(body))).toBeGreaterThanOrEqual(AA);
      expect(lowest(tokens).ratio, JSON.stringify(lowest(tokens))).toBeGreaterThanOrEqual(AA);
    }
    await lab.page.goto(`${lab.url}${PAGES[2]}`);
    const compared = await contrastsOf(lab.page, '.cmp-panel h3, .cmp-panel .t, .cmp-figures, svg text');
    expect(lowest(compared).ratio, JSON.stringify(lowest(compared))).toBeGreaterThanOrEqual(AA);
    await lab.page.goto(`${lab.url}/vocab/cl100k_base`);
    const chips = await contrastsOf(lab.page, 'code.tok, .hexpart, td, th, a');
    expect(lowest(chips).ratio, JSON.stringify(lowest(chips))).toBeGreaterThanOrEqual(AA);
    await lab.page.goto(`${lab.url}/train`);
    const form = await contrastsOf(lab.page, 'label, legend, input, select, textarea, button');
    expect(lowest(form).ratio, JSON.stringify(lowest(form))).toBeGreaterThanOrEqual(AA);
    await screenshot(lab.page, `look-train-${scheme}`);
  });

  it('fits a 375 px wide screen without scrolling the page sideways, on every page', async () => {
    const narrow = await lab.browser.newPage({ viewport: { width: 375, height: 800 } });
    for (const path of PAGES) {
      await narrow.goto(`${lab.url}${path}`);
      const [scrollWidth, innerWidth] = (await narrow.evaluate('[document.scrollingElement.scrollWidth, innerWidth]')) as number[];
      expect(scrollWidth, path).toBeLessThanOrEqual(innerWidth);
    }
    // the header's links wrap onto the screen rather than off it
    const last = await narrow.locator('.site-nav a').last().boundingBox();
    expect(last!.x + last!.width).toBeLessThanOrEqual(375);
    await narrow.goto(`${lab.url}${PAGES[2]}`);
    await screenshot(narrow, 'look-compare-375');
    await narrow.close();
  });

  it('shows a focus ring on, and names, everything Tab reaches on every page', async () => {
    await lab.page.emulateMedia({ colorScheme: 'light' });
    for (const path of PAGES) {
      await lab.page.goto(`${lab.url}${path}`);
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) {
        await lab.page.keyboard.press('Tab');
        const now = await focused(lab.page);
        if (now === null || seen.has(now.key)) break; // back to the start
        seen.add(now.key);
        expect(now.outline, `${path}: ${now.tag}`).not.toBe('none');
        expect(now.width, `${path}: ${now.tag}`).toBeGreaterThanOrEqual(2);
        expect((await accessibleNameOfFocus(lab.page)).trim(), `${path}: ${now.tag}`).not.toBe('');
      }
      expect(seen.size, path).toBeGreaterThan(5); // the header's links at least
    }
  });

  it('steps through tokens with the arrow keys, naming each as hovering does', async () => {
    await lab.page.goto(`${lab.url}${PAGES[0]}`);
    await lab.page.locator('.tokens').focus();
    await lab.page.keyboard.press('ArrowRight');
    const first = lab.page.locator('.tokens .t').first();
    expect(await first.getAttribute('class')).toContain('kb');
    expect(await lab.page.locator('#hover').textContent()).toBe(`token 0: id ${await first.getAttribute('data-id')}`);
    await lab.page.keyboard.press('ArrowRight');
    expect(await lab.page.locator('#hover').textContent()).toMatch(/^token 1: id \d+/);
    await lab.page.keyboard.press('End');
    const last = await lab.page.locator('.tokens .t').last().getAttribute('data-i');
    expect(await lab.page.locator('#hover').textContent()).toMatch(new RegExp(`^token ${last}: id \\d+`));
    expect(await lab.page.locator('.tokens .kb').count()).toBe(1);
  });

  it('gives every chart a summary of its data and the numbers as a table', async () => {
    await lab.page.goto(`${lab.url}${PAGES[2]}`);
    const counts = await lab.page
      .locator('.cmp-panel')
      .evaluateAll((ps) => ps.map((p) => [p.getAttribute('data-tokenizer'), p.querySelector('.cmp-count')!.textContent] as const));
    const chart = lab.page.locator('svg.cmp-chart').first();
    expect(await chart.getAttribute('role')).toBe('img');
    const label = (await chart.getAttribute('aria-label'))!;
    for (const [name, count] of counts) expect(label).toContain(`${name} ${count}`);
    expect(await chart.locator('title').textContent()).toBe(label);
    const rows = await lab.page
      .locator('.chart-data')
      .first()
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.textContent));
    expect(rows).toEqual(counts.map(([name, count]) => `${name}${count}`));
    await lab.page.goto(`${lab.url}/vocab/cl100k_base`);
    const histogram = lab.page.locator('svg#histogram');
    expect(await histogram.getAttribute('role')).toBe('img');
    const bars = await lab.page.locator('.chart-data tbody td').evaluateAll((tds) => tds.map((td) => Number(td.textContent)));
    const total = bars.reduce((a, b) => a + b, 0);
    expect(await histogram.getAttribute('aria-label')).toContain(`Token lengths: ${total.toLocaleString('en')} tokens`);
    expect(await histogram.getAttribute('aria-label')).toContain(`most of them (${Math.max(...bars).toLocaleString('en')})`);
  });

  it('offers a color-blind-safe palette, remembered across pages and applied wherever tokens are drawn', async () => {
    const fresh = await lab.browser.newPage();
    await fresh.goto(`${lab.url}${PAGES[0]}`);
    const backgrounds = () => stylesOf(fresh, '.tokens > .t', 'backgroundColor');
    const byId = await backgrounds();
    expect(await fresh.locator('select.palette').inputValue()).toBe('hue');
    await fresh.selectOption('select.palette', 'cb');
    expect(await fresh.evaluate('document.documentElement.dataset.palette')).toBe('cb');
    const safe = await backgrounds();
    expect(safe).not.toEqual(byId);
    // neighbours always differ, four colors take turns, and every boundary has a bar that is not a hue
    const before = await stylesOf(fresh, '.tokens > .t:has(+ .t)', 'backgroundColor');
    const neighbours = (await stylesOf(fresh, '.tokens > .t + .t', 'backgroundColor')).map((after, i) => [before[i], after]);
    expect(neighbours.length).toBeGreaterThan(5);
    for (const [left, right] of neighbours) expect(right).not.toBe(left);
    expect(new Set(safe).size).toBe(4);
    expect((await stylesOf(fresh, '.tokens .t', 'boxShadow'))[0]).toMatch(/ -2px 0px 0px 0px inset$/);
    await screenshot(fresh, 'look-palette-cb');
    // remembered: on the next page and after a reload, before anything is chosen
    await fresh.goto(`${lab.url}${PAGES[2]}`);
    expect(await fresh.evaluate('document.documentElement.dataset.palette')).toBe('cb');
    expect(await fresh.locator('select.palette').inputValue()).toBe('cb');
    expect(new Set(await stylesOf(fresh, '.cmp-panel .tokens > .t', 'backgroundColor')).size).toBe(4);
    await fresh.selectOption('select.palette', 'hue');
    await fresh.goto(`${lab.url}${PAGES[0]}`);
    expect(await backgrounds()).toEqual(byId);
    // the choice is no field of the form: the page's address stays the text's
    expect(new URL(fresh.url()).searchParams.has('palette')).toBe(false);
    await fresh.close();
  });
});
