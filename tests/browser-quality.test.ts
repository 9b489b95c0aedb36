import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, inChromium, screenshot, startLab, type Lab } from './browser.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('quality comparison'), () => {
  let lab: Lab;
  let page: Page;
  beforeAll(async () => {
    lab = await startLab();
    page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await lab?.close();
  });

  async function uncheckAll(): Promise<void> {
    const ticked = page.locator('input[name=tokenizers]:checked');
    while ((await ticked.count()) > 0) await ticked.first().uncheck();
  }

  it('measures ticked tokenizers on a corpus from the page, the rows appearing as the job runs', async () => {
    await page.goto(`${lab.url}/compare/quality`);
    await page.getByRole('link', { name: 'Quality', exact: true }).waitFor();
    await uncheckAll();
    await page.check('input[name=tokenizers][value=r50k_base]');
    await page.check('input[name=tokenizers][value=cl100k_base]');
    await page.selectOption('select[name=corpus]', 'parallel-zh-en');
    await page.click('#quality-form button[type=submit]');
    await expect.poll(() => page.locator('#quality-job-state').textContent(), { timeout: 90_000 }).toBe('done');
    await expect.poll(() => page.locator('#quality-rows tbody tr').count()).toBe(2);
    expect(page.url()).toMatch(/\/compare\/quality\?job=/);
    const bitsPerByte = await page.locator('#quality-rows td[data-key=bitsPerByte]').allTextContents();
    for (const v of bitsPerByte) expect(Number(v)).toBeGreaterThan(0);
    // cl100k_base needs fewer tokens per Han character than r50k_base: its cell is the column's best, in bold
    expect(await page.locator('tr[data-tokenizer=cl100k_base] td[data-key=tokensPerHan] strong').count()).toBe(1);
    await screenshot(page, 'quality');
    // the link reopens the results
    await page.goto(page.url());
    expect(await page.locator('#quality-rows tbody tr').count()).toBe(2);
  });

  it('shows a refusal in place', async () => {
    await page.goto(`${lab.url}/compare/quality`);
    await uncheckAll();
    await page.click('#quality-form button[type=submit]');
    await expect.poll(() => page.locator('#quality-error').textContent()).toMatch(/"tokenizers" must list 1 to 6/);
  });
});
