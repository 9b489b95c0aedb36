/**
 * Ready on first start, as a person sees it: the built server started on an empty data directory, /lm opened at
 * once shows the first model being built and then, without a reload, the model with the line saying it was built
 * for you; its sample is Chinese characters, not byte fragments.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { HAVE_CHROMIUM, inChromium, launchBrowser, screenshot } from './browser.js';
import { startBuiltServer } from './server-process.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('the first start'), () => {
  const data = mkdtempSync(join(tmpdir(), 'tokenlab-first-browser-'));
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    server?.kill();
    rmSync(data, { recursive: true, force: true });
  });

  it('shows the first model being built, then built for you, and it samples Chinese characters', async () => {
    const started = await startBuiltServer({ TOKENLAB_DATA: data });
    server = started.child;
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${started.url}/lm`);
    const line = page.locator('#lm-first-model');
    expect(await line.textContent()).toMatch(/is being built for you|was built for you/);
    await expect.poll(() => line.textContent(), { timeout: 120_000 }).toMatch(/^first-model was built for you when the lab first started/);
    expect(await page.locator('select[name=tokenizer]').first().inputValue()).toBe('tokenlab-cjk-32k');
    expect(await page.locator('#lm-build-form select[name=corpus]').inputValue()).toBe('starter-mix');
    await screenshot(page, 'first-model');
    await line.getByRole('link', { name: 'first-model' }).click();
    await page.getByRole('link', { name: 'Sampling', exact: true }).click();
    await page.fill('textarea[name=prompt]', '类型');
    await page.locator('#lm-form button[type=submit]').click();
    await expect.poll(() => page.locator('#lm-sample-text').textContent(), { timeout: 30_000 }).toMatch(/\p{Script=Han}/u);
    expect(await page.locator('#lm-sample-text').textContent()).not.toContain('\uFFFD');
  });
});
