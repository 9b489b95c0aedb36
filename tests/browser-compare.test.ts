import { describe, expect, it } from 'vitest';
import { pageWatchingDialogs } from './browser-dialogs.js';
import { HAVE_CHROMIUM, inChromium, screenshot, useLab } from './browser.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('compare page'), () => {
  const lab = useLab();

  it('compares the chosen tokenizers as text is typed: counts, chart, marked boundaries, language tax', async () => {
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${lab.url}/compare`);
    const panels = page.locator('.cmp-panel');
    const counts = () =>
      page
        .locator('.cmp-count')
        .allTextContents()
        .then((c) => c.map(Number));
    // The default choice: cl100k_base and o200k_base (no model tokenizer is added here).
    await expect.poll(() => page.locator('.cmp-panel h3').allTextContents()).toEqual(['cl100k_base', 'o200k_base']);
    await page.locator('input[name=tokenizers][value=gpt2]').check();
    await page.locator('input[name=tokenizers][value=tokenlab-cjk-32k]').check();
    await expect.poll(() => panels.count()).toBe(4);
    await page.locator('input[name=tokenizers][value=o200k_base]').uncheck();
    await expect.poll(() => page.locator('.cmp-panel h3').allTextContents()).toEqual(['gpt2', 'cl100k_base', 'tokenlab-cjk-32k']);

    await page.locator('textarea[name=text]').pressSequentially('Tokenizers 把文本切成词元, then count them.');
    await expect.poll(async () => Math.min(...(await counts()))).toBeGreaterThan(5);
    const before = await counts();
    // gpt2 knows almost no Chinese: it needs the most tokens of the three.
    expect(before[0]).toBe(Math.max(...before));
    expect(await page.locator('.cmp-chart').first().locator('rect').count()).toBe(3);
    expect(await page.locator('.cmp-panel .cut').count()).toBeGreaterThan(0);
    expect(Number(await page.locator('#differing').textContent())).toBeGreaterThan(0);
    expect(await page.locator('#result .cmp-tax-table tbody tr').count()).toBe(3);
    // Below the result, the language tax of every tokenizer offered (the page loads it once it shows).
    await expect.poll(() => page.locator('#tax-all-table tbody tr').count(), { timeout: 60_000 }).toBe(7);

    await page.locator('textarea[name=text]').pressSequentially(' 语言模型按词元计费。');
    await expect.poll(async () => (await counts())[1]).toBeGreaterThan(before[1]);
    const url = new URL(page.url());
    expect(url.pathname).toBe('/compare');
    expect(url.searchParams.getAll('tokenizers')).toEqual(['gpt2', 'cl100k_base', 'tokenlab-cjk-32k']);
    expect(url.searchParams.get('text')).toBe('Tokenizers 把文本切成词元, then count them. 语言模型按词元计费。');
    await screenshot(page, 'compare');

    await page.locator('input[name=tokenizers][value=cl100k_base]').uncheck();
    await page.locator('input[name=tokenizers][value=tokenlab-cjk-32k]').uncheck();
    await expect.poll(() => page.locator('#result .error').textContent()).toMatch(/choose 2 to 6 tokenizers to compare \(1 chosen\)/);
    await page.close();
  });

  it('shows typed markup as text and runs none of it', async () => {
    const { page, dialogs } = await pageWatchingDialogs(lab, '/compare');
    const payload = '<script>alert(1)</script>';
    await page.locator('textarea[name=text]').pressSequentially(payload);
    await expect.poll(() => page.locator('.cmp-panel .tokens').allTextContents()).toEqual([payload, payload]);
    expect(await page.locator('#result script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
