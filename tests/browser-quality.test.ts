import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, inChromium, screenshot, useLab } from './browser.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('quality comparison'), () => {
  const lab = useLab();

  async function uncheckAll(): Promise<void> {
    const ticked = lab.page.locator('input[name=tokenizers]:checked');
    while ((await ticked.count()) > 0) await ticked.first().uncheck();
  }

  it('measures ticked tokenizers on a corpus from the page, the rows appearing as the job runs', async () => {
    await lab.page.goto(`${lab.url}/compare/quality`);
    await lab.page.getByRole('link', { name: 'Quality', exact: true }).waitFor();
    await uncheckAll();
    await lab.page.check('input[name=tokenizers][value=r50k_base]');
    await lab.page.check('input[name=tokenizers][value=cl100k_base]');
    await lab.page.selectOption('select[name=corpus]', 'parallel-zh-en');
    await lab.page.click('#quality-form button[type=submit]');
    await expect.poll(() => lab.page.locator('#quality-job-state').textContent(), { timeout: 90_000 }).toBe('done');
    await expect.poll(() => lab.page.locator('#quality-rows tbody tr').count()).toBe(2);
    expect(lab.page.url()).toMatch(/\/compare\/quality\?job=/);
    const bitsPerByte = await lab.page.locator('#quality-rows td[data-key=bitsPerByte]').allTextContents();
    for (const v of bitsPerByte) expect(Number(v)).toBeGreaterThan(0);
    // cl100k_base needs fewer tokens per Han character than r50k_base: its cell is the column's best, in bold
    expect(await lab.page.locator('tr[data-tokenizer=cl100k_base] td[data-key=tokensPerHan] strong').count()).toBe(1);
    await screenshot(lab.page, 'quality');
    // the link reopens the results
    await lab.page.goto(lab.page.url());
    expect(await lab.page.locator('#quality-rows tbody tr').count()).toBe(2);
  });

  it('shows a refusal in place', async () => {
    await lab.page.goto(`${lab.url}/compare/quality`);
    await uncheckAll();
    await lab.page.click('#quality-form button[type=submit]');
    await expect.poll(() => lab.page.locator('#quality-error').textContent()).toMatch(/"tokenizers" must list 1 to 6/);
  });
});
