/**
 * The README's pictures: the tokenize, compare, training and language-model pages, shot by the browser harness.
 * `npm run screenshots` writes them to docs/screenshots/ (TOKENLAB_SCREENSHOTS); in the test suite they go to
 * test-artifacts/readme/. Either way each PNG must stay under MAX_BYTES, the size a repository can carry.
 * The pictures are not compared pixel by pixel: look at them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, HAVE_CHROMIUM, inChromium, useLab } from './browser.js';
import { onAll } from './browser-look.js';

const MAX_BYTES = 200_000;
const WIDTH = 1100;
const COMMITTED = 'docs/screenshots';
const OUT = resolve(process.env.TOKENLAB_SCREENSHOTS ?? join(ARTIFACTS, 'readme'));
/** What the README shows, by file name. */
const SHOTS = ['tokenize', 'tokenize-dark', 'compare', 'train', 'lm'] as const;

// Mixed scripts, an emoji and a rare Han character (龘): what a font must cover for the pictures to be true.
const TEXT = 'Tokenizers cut text into tokens 🙂. 分词器把文本切成词元：龘 is one character, many bytes.';

const pngSize = (path: string) => {
  const png = readFileSync(path);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bytes: png.length };
};

describe.skipIf(!HAVE_CHROMIUM)(inChromium('the README’s screenshots, made'), () => {
  const lab = useLab(undefined, { width: WIDTH, height: 800 });

  /**
   * The page as OUT/NAME.png, checked for size: its full width, from the top of `from` (the page's top if
   * absent) to the bottom of `to`, with a margin.
   */
  async function shoot(name: (typeof SHOTS)[number], to: string, from?: string): Promise<void> {
    const path = join(OUT, `${name}.png`);
    const box = async (selector: string) =>
      (
        (await onAll(
          lab.page,
          selector,
          '(els) => els.map((e) => { const r = e.getBoundingClientRect(); return { top: r.top + scrollY, bottom: r.bottom + scrollY }; })',
        )) as { top: number; bottom: number }[]
      )[0];
    const y = from === undefined ? 0 : (await box(from)).top - 16;
    const height = (await box(to)).bottom + 16 - y;
    await lab.page.screenshot({ path, fullPage: true, clip: { x: 0, y, width: WIDTH, height } });
    const size = pngSize(path);
    expect(size.width).toBe(WIDTH);
    expect(size.bytes, path).toBeLessThan(MAX_BYTES);
    expect(statSync(path).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
  }

  it('the tokenize page, a mixed text drawn, in the light and the dark theme', async () => {
    await lab.page.goto(`${lab.url}/?${new URLSearchParams({ text: TEXT, tokenizer: 'o200k_base' })}`);
    await lab.page.locator('.tokens .t').nth(5).hover();
    await shoot('tokenize', '.stats');
    await lab.page.emulateMedia({ colorScheme: 'dark' });
    await shoot('tokenize-dark', '.stats');
    await lab.page.emulateMedia({ colorScheme: 'light' });
  });

  it('the compare page, three tokenizers side by side', async () => {
    const q = new URLSearchParams({ text: TEXT });
    for (const t of ['cl100k_base', 'o200k_base', 'tokenlab-cjk-32k']) q.append('tokenizers', t);
    await lab.page.goto(`${lab.url}/compare?${q}`);
    await shoot('compare', '.cmp-grid');
  });

  it('the training studio, a vocabulary trained with its compression curve', async () => {
    await lab.page.goto(`${lab.url}/train`);
    await lab.page.locator('input[name=corpora][value="ts-messages-zh-en"]').check();
    await lab.page.locator('input[name=name]').fill('messages-3k');
    await lab.page.locator('input[name=vocabSize]').fill('3000');
    await lab.page.locator('button[type=submit]').click();
    await expect.poll(() => lab.page.locator('#job-state').textContent(), { timeout: 120_000 }).toBe('done');
    await shoot('train', '#job-panel', '#job-panel');
  });

  it('the language-model studio, a model built here scoring a text', async () => {
    await lab.page.goto(`${lab.url}/lm`);
    await lab.page.selectOption('select[name=tokenizer]', 'tokenlab-cjk-32k');
    await lab.page.selectOption('select[name=corpus]', 'ts-messages-zh-en');
    await lab.page.fill('input[name=order]', '4');
    await lab.page.fill('input[name=name]', 'messages-4gram');
    await lab.page.click('#lm-build-form button[type=submit]');
    await expect.poll(() => lab.page.locator('#lm-job-state').textContent(), { timeout: 120_000 }).toBe('done');
    await lab.page.goto(`${lab.url}/lm/messages-4gram`);
    await lab.page.fill('textarea[name=text]', 'Cannot find module. 找不到模块。\nType is not assignable to type. 类型不能赋给类型。');
    await lab.page.click('#lm-submit');
    await expect.poll(() => lab.page.locator('#lm-perplexity').count()).toBe(1);
    await lab.page.locator('.lm-tok', { hasText: '找不到' }).hover();
    await shoot('lm', '.lm-tokens');
  });
});

// After the making: `npm run screenshots` checks what it just wrote.
describe('the README’s screenshots', () => {
  it('are committed small, and the README shows each', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const name of SHOTS) {
      const path = join(COMMITTED, `${name}.png`);
      expect(pngSize(path).bytes, path).toBeLessThan(MAX_BYTES);
      expect(readme).toContain(`](${path})`);
    }
    expect(readdirSync(COMMITTED).sort()).toEqual(SHOTS.map((n) => `${n}.png`).sort()); // none left over
  });
});
