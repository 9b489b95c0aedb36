import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, inChromium, screenshot, startLab, type Lab } from './browser.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('vocabulary list'), () => {
  let lab: Lab;
  let page: Page;
  beforeAll(async () => {
    lab = await startLab();
    page = await lab.browser.newPage({ viewport: { width: 1280, height: 700 } });
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('shows each vocabulary’s size, specials, pattern and kind', async () => {
    await page.goto(`${lab.url}/vocab`);
    const row = (name: string) => page.locator(`#vocab-list tr[data-name="${name}"] td`);
    expect(await row('o200k_base').allTextContents()).toEqual(['o200k_base', '200,019', '2', 'o200k', 'tiktoken encoding']);
    expect(await row('tokenlab-cjk-32k').nth(3).textContent()).toBe('cjk');
    expect(Number((await row('tokenlab-cjk-32k').nth(1).textContent())!.replaceAll(',', ''))).toBeGreaterThan(30_000);
    await screenshot(page, 'vocab-list-sizes');
  });
});
