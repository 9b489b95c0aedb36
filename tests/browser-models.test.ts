import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, inChromium, screenshot, useLab } from './browser.js';
import { HAVE_MODELS, linkModelTokenizers, needsModels } from './model-files.js';

describe.skipIf(!HAVE_CHROMIUM || !HAVE_MODELS)(needsModels(inChromium('model tokenizers in the explorer and on the compare page')), () => {
  const lab = useLab((lab) => linkModelTokenizers(lab.dataDir, ['qwen3', 'gemma3']));

  it('explores qwen3: search a token, its merge tree, the merge-order fact, the scrubber', async () => {
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${lab.url}/vocab/qwen3`, { timeout: 120_000 });
    await expect.poll(() => page.locator('#merge-order').textContent()).toMatch(/tokenize \d+ of \d+ pieces differently/);
    await page.locator('#token-search input[name=q]').fill('Hello');
    await expect.poll(() => page.locator('#token-table .tok').first().textContent(), { timeout: 30_000 }).toBe('Hello');
    await page.locator('#token-table .tree-link').first().click();
    await expect.poll(() => page.locator('#merge-tree li').count(), { timeout: 30_000 }).toBeGreaterThan(5);
    expect(await page.locator('#merge-tree').textContent()).toMatch(/rank \d+/);
    await page.locator('.scrub-range').fill('2000');
    await expect.poll(() => page.locator('#scrub-count').textContent(), { timeout: 30_000 }).toMatch(/after 2000 of 151387 merges/);
    await screenshot(page, 'vocab-qwen3');
    await page.close();
  });

  it('compares the default choice with qwen3, and ranks every tokenizer’s language tax', async () => {
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${lab.url}/compare`, { timeout: 120_000 });
    await page.locator('input[name=tokenizers][value=gemma3]').check();
    await page.locator('textarea[name=text]').pressSequentially('Tokenizers 把文本切成词元, then count them.');
    // Ticking gemma3 loads it (seconds, the first time).
    await expect
      .poll(() => page.locator('.cmp-panel h3').allTextContents(), { timeout: 60_000 })
      .toEqual(['cl100k_base', 'o200k_base', 'qwen3', 'gemma3']);
    await expect.poll(() => page.locator('#tax-all-table tbody tr').count(), { timeout: 120_000 }).toBe(9);
    await screenshot(page, 'compare-models');
    await page.close();
  });
});
