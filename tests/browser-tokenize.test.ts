import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, screenshot, SKIP_BROWSER_REASON, startLab, type Lab } from './browser.js';

describe.skipIf(!HAVE_CHROMIUM)(`tokenize page in Chromium${HAVE_CHROMIUM ? '' : ` (${SKIP_BROWSER_REASON})`}`, () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('re-tokenizes mixed Chinese and English text as it is typed', async () => {
    const page = await lab.browser.newPage();
    await page.goto(`${lab.url}/`);
    await page.locator('textarea[name=text]').pressSequentially('Hello 世界, tokens!');
    const countNow = async () => Number(await page.locator('#count').textContent());
    await expect.poll(countNow).toBeGreaterThan(3);
    const count = await countNow();
    expect(await page.locator('.tokens .t').count()).toBeGreaterThanOrEqual(count - 2);
    expect(await page.locator('.tokens').textContent()).toContain('Hello');
    await page.locator('textarea[name=text]').pressSequentially(' More text here.');
    await expect.poll(countNow).toBeGreaterThan(count);
    await screenshot(page, 'tokenize');
    await page.close();
  });
});
