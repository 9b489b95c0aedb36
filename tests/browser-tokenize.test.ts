import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pageWatchingDialogs } from './browser-dialogs.js';
import { MAX_RENDERED_TOKENS } from '../views/tokenize.js';
import { HAVE_CHROMIUM, inChromium, screenshot, useLab } from './browser.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('tokenize page'), () => {
  const lab = useLab();

  /** A fresh page on `/`, the text typed into the box and its tokens drawn. */
  async function typed(text: string): Promise<Page> {
    const page = await lab.browser.newPage();
    await page.goto(`${lab.url}/`);
    await page.locator('textarea[name=text]').pressSequentially(text);
    await expect.poll(() => page.locator('.tokens').count()).toBe(1);
    return page;
  }

  const countNow = (page: Page) => page.locator('#count').textContent().then(Number);

  it('re-tokenizes mixed Chinese and English text as it is typed', async () => {
    const page = await typed('Hello 世界, tokens!');
    await expect.poll(() => countNow(page)).toBeGreaterThan(3);
    const count = await countNow(page);
    expect(await page.locator('.tokens .t').count()).toBeGreaterThanOrEqual(count - 2);
    expect(await page.locator('.tokens').textContent()).toContain('Hello');
    await page.locator('textarea[name=text]').pressSequentially(' 分词器把文本切成词元。');
    await expect.poll(() => countNow(page)).toBeGreaterThan(count);
    await expect.poll(() => page.locator('.tokens').textContent()).toContain('文本');
    expect(new URL(page.url()).searchParams.get('text')).toBe('Hello 世界, tokens! 分词器把文本切成词元。');
    await screenshot(page, 'tokenize');
    await page.close();
  });

  it('hovering a token marks its id in the ids view, and hovering an id marks its token', async () => {
    const page = await typed('one two three');
    await expect.poll(() => page.locator('.tokens .t').count()).toBe(3);
    const second = page.locator('.tokens .t').nth(1);
    await second.hover();
    const id = await second.getAttribute('data-id');
    expect(await page.locator('#ids i.on').textContent()).toBe(id);
    expect(await page.locator('#ids i').nth(1).getAttribute('class')).toBe('on');
    expect(await page.locator('#hover').textContent()).toBe(`token 1: id ${id}`);
    await page.locator('#ids i').nth(2).hover();
    expect(await page.locator('.tokens .t.on').textContent()).toBe(' three');
    expect(await page.locator('#ids i.on').textContent()).toBe(await page.locator('.tokens .t.on').getAttribute('data-id'));
    expect(await page.locator('#hover').textContent()).toMatch(/^token 2: id /);
    await screenshot(page, 'tokenize-hover');
    await page.close();
  });

  it('re-tokenizes by a morph: the hovered token keeps its element and its marks, and the page keeps its place', async () => {
    const page = await lab.browser.newPage({ viewport: { width: 900, height: 500 } });
    const text = Array.from({ length: 40 }, (_, i) => `Line ${i}: the tokenizer splits 文本 into tokens.`).join('\n');
    await page.goto(`${lab.url}/?text=${encodeURIComponent(text)}`);
    const token = page.locator('.tokens .t').nth(300);
    await token.scrollIntoViewIfNeeded();
    await token.hover();
    expect(await token.getAttribute('class')).toMatch(/\bon\b/);
    // Strings: they run in the page. The element is marked by a property (a morph keeps no attribute it did not send).
    await page.evaluate("document.querySelector('.tokens .t:hover').kept = true");
    const scrolled = await page.evaluate('scrollY');
    expect(scrolled).toBeGreaterThan(0);
    const before = await countNow(page);
    // Typed at the end of the box, which is out of view (focusing it would scroll the page there).
    await page.evaluate(
      "const box = document.querySelector('textarea[name=text]'); box.value += ' more'; box.dispatchEvent(new Event('input', { bubbles: true }))",
    );
    await expect.poll(() => countNow(page)).toBeGreaterThan(before);
    expect(await page.evaluate("document.querySelector('.tokens .t:hover').kept")).toBe(true);
    expect(await page.evaluate("document.querySelector('.tokens .t:hover').classList.contains('on')")).toBe(true);
    expect(await page.locator('#hover').textContent()).toMatch(/^token 300: id \d+/);
    expect(await page.evaluate('scrollY')).toBe(scrolled);
    await page.close();
  });

  it('draws a Han character split over tokens once, with the hex bytes of its tokens', async () => {
    const page = await typed('猫'); // cl100k_base: e7 | 8c | ab
    await expect.poll(() => page.locator('.grp .grp-text').textContent()).toBe('猫');
    expect(await page.locator('.grp .t.hex').allTextContents()).toEqual(['e7', '8c', 'ab']);
    expect(await page.locator('#result').textContent()).not.toContain('\ufffd');
    await page.locator('.grp .t.hex').first().hover();
    expect(await page.locator('#hover').textContent()).toMatch(/part of a character/);
    await page.close();
  });

  it('takes a 100 kB paste: counts it all, draws a window of tokens and the next one as you scroll', async () => {
    const page = await lab.browser.newPage();
    await page.goto(`${lab.url}/`);
    const line = '分词器把文本切成词元。Tokenizers cut text into tokens, 42 of them!\n';
    const text = line.repeat(Math.ceil(100_000 / Buffer.byteLength(line)));
    await page.locator('textarea[name=text]').fill(text);
    const more = page.locator('.tokens .more');
    await expect.poll(() => more.textContent()).toMatch(/more tokens, drawn as you scroll/);
    const count = await countNow(page);
    const api = await fetch(`${lab.url}/api/tokenize`, { method: 'POST', body: JSON.stringify({ text, tokenizer: 'cl100k_base' }) });
    expect(count).toBe(((await api.json()) as { count: number }).count);
    const drawnNow = () => page.locator('.tokens .t').count();
    const first = await drawnNow();
    expect(first).toBeGreaterThanOrEqual(MAX_RENDERED_TOKENS);
    expect(first).toBeLessThan(MAX_RENDERED_TOKENS + 4); // a group of split characters is drawn whole
    expect(await more.textContent()).toBe(` … ${count - first} more tokens, drawn as you scroll`);
    expect(await page.locator('#ids i').count()).toBe(first);
    expect(new URL(page.url()).searchParams.get('text')).toBeNull(); // too long for the shareable URL

    await more.scrollIntoViewIfNeeded();
    await expect.poll(drawnNow).toBeGreaterThan(first + MAX_RENDERED_TOKENS / 2);
    const second = await drawnNow();
    expect(await page.locator('#ids i').count()).toBe(second); // the new tokens' ids are hover targets too
    expect((await page.locator('#ids').textContent())!.split(' ').length).toBe(count); // and copying still takes all
    const late = page.locator(`.tokens .t[data-i="${first + 10}"]`);
    await late.hover();
    expect(await page.locator('#ids i.on').textContent()).toBe(await late.getAttribute('data-id'));
    await page.close();
  });

  it('shows typed markup as text and runs none of it', async () => {
    const { page, dialogs } = await pageWatchingDialogs(lab, '/');
    const payload = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    await page.locator('textarea[name=text]').pressSequentially(payload);
    await expect.poll(() => page.locator('.tokens').textContent()).toBe(payload);
    await page.reload(); // the shareable URL now carries the payload: the server-rendered page too
    await expect.poll(() => page.locator('.tokens').textContent()).toBe(payload);
    expect(await page.locator('#result script, #result img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
