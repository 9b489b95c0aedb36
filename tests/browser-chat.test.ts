import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pageWatchingDialogs } from './browser-dialogs.js';
import { HAVE_CHROMIUM, inChromium, screenshot, useLab } from './browser.js';
import { HAVE_MODELS, linkModelTokenizers, needsModels } from './model-files.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('chat view of the tokenize page'), () => {
  const lab = useLab((lab) => linkModelTokenizers(lab.dataDir, ['qwen3']));

  const countNow = (page: Page) => page.locator('#count').textContent().then(Number);
  const rows = (page: Page) => page.locator('#chat-messages .chat-msg');
  const promptText = (page: Page) => page.locator('#chat-prompt').textContent();

  /** What POST /api/chat counts for the conversation. */
  async function apiCount(body: Record<string, unknown>): Promise<number> {
    const res = await fetch(`${lab.url}/api/chat`, { method: 'POST', body: JSON.stringify({ addGenerationPrompt: true, ...body }) });
    return ((await res.json()) as { count: number }).count;
  }

  it('adds, moves and removes messages, counting the conversation as the API does', async () => {
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${lab.url}/chat`);
    await page.locator('#chat-messages textarea').first().pressSequentially('分词器是什么?');
    await expect.poll(() => promptText(page)).toContain('分词器是什么?');
    await page.getByRole('button', { name: 'add a message' }).click();
    await expect.poll(() => rows(page).count()).toBe(2);
    // A message added after a user's is the assistant's, and takes the focus.
    expect(await rows(page).nth(1).locator('select').inputValue()).toBe('assistant');
    await page.keyboard.type('It cuts text into tokens.');
    await page.getByRole('button', { name: 'add a message' }).click();
    await rows(page).nth(2).locator('select').selectOption('system');
    await rows(page).nth(2).locator('textarea').fill('Answer briefly.');
    await rows(page).nth(2).getByRole('button', { name: 'move up' }).click();
    await rows(page).nth(1).getByRole('button', { name: 'move up' }).click();
    const messages = [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: '分词器是什么?' },
      { role: 'assistant', content: 'It cuts text into tokens.' },
    ];
    const tableRoles = () => page.locator('#chat-table tbody tr:not([data-row=base]):not([data-row=generation]) td').allTextContents();
    await expect.poll(() => tableRoles().then((tds) => tds.filter((_, i) => i % 4 === 0))).toEqual(messages.map((m) => m.role));
    expect(await countNow(page)).toBe(await apiCount({ tokenizer: 'cl100k_base', messages }));
    await expect.poll(() => new URL(page.url()).searchParams.getAll('role')).toEqual(['system', 'user', 'assistant']);
    expect(new URL(page.url()).searchParams.getAll('content')).toEqual(messages.map((m) => m.content));
    await screenshot(page, 'chat');
    await rows(page).nth(0).getByRole('button', { name: 'remove' }).click();
    await expect.poll(() => page.locator('#chat-table tbody tr[data-row]').count()).toBe(4); // base, 2 messages, the generation prompt
    expect(await countNow(page)).toBe(await apiCount({ tokenizer: 'cl100k_base', messages: messages.slice(1) }));
    // The last message stays: a conversation has one at least.
    await rows(page).nth(0).getByRole('button', { name: 'remove' }).click();
    await rows(page).nth(0).getByRole('button', { name: 'remove' }).click();
    expect(await rows(page).count()).toBe(1);
    // The URL gives the conversation back.
    const shared = await lab.browser.newPage();
    await shared.goto(`${lab.url}/chat?role=user&role=assistant&content=a&content=b&gen=0`);
    expect(
      await rows(shared)
        .locator('textarea')
        .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value)),
    ).toEqual(['a', 'b']);
    expect(await shared.locator('input[type=checkbox][name=gen]').isChecked()).toBe(false);
    await shared.close();
    await page.close();
  });

  it('shows a <script> typed into a message as text, never running it', async () => {
    const { page, dialogs } = await pageWatchingDialogs(lab, '/chat');
    const script = '<script>alert(1)</script><img src=x onerror="alert(2)">';
    await page.locator('#chat-messages textarea').first().fill(script);
    await expect.poll(() => promptText(page)).toContain(script);
    expect(await page.locator('.tokens').textContent()).toContain('<script>');
    expect(await page.locator('#result script, #result img').count()).toBe(0);
    // The page reloaded from its shareable URL shows it as text too.
    await page.reload();
    await expect.poll(() => promptText(page)).toContain(script);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('switches to a custom template, shown to edit with the format’s own text in it', async () => {
    const page = await lab.browser.newPage();
    await page.goto(`${lab.url}/chat?role=user&content=hello`);
    const template = page.locator('textarea[name=template]');
    expect(await template.isVisible()).toBe(false);
    await page.locator('select[name=format]').selectOption('custom');
    expect(await template.isVisible()).toBe(true);
    expect(await template.inputValue()).toContain('<|im_start|>');
    await template.fill('{% for m in messages %}<<{{ m.content }}>>{% endfor %}');
    // A pasted template renders in a worker thread: a fresh one each time.
    await expect.poll(() => promptText(page), { timeout: 10_000 }).toBe('<<hello>>');
    await template.fill('{% for m in %}');
    await expect.poll(() => page.locator('#result .error').count(), { timeout: 10_000 }).toBe(1);
    expect(await template.inputValue()).toBe('{% for m in %}');
    await page.close();
  });

  it.skipIf(!HAVE_MODELS)(needsModels('switches Qwen3’s thinking off, as the API counts it'), async () => {
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${lab.url}/chat?role=user&content=${encodeURIComponent('你好')}`);
    expect(await page.locator('input[type=checkbox][name=thinking]').count()).toBe(0);
    await page.locator('select[name=tokenizer]').selectOption('qwen3');
    const thinking = page.locator('input[type=checkbox][name=thinking]');
    await expect.poll(() => thinking.count(), { timeout: 60_000 }).toBe(1);
    expect(await thinking.isChecked()).toBe(true);
    expect(await page.locator('#chat-applies').textContent()).toContain('qwen3, from its tokenizer_config.json');
    await expect.poll(() => page.locator('.summary').textContent()).toContain('qwen3');
    const on = await countNow(page);
    expect(on).toBe(await apiCount({ tokenizer: 'qwen3', messages: [{ role: 'user', content: '你好' }] }));
    await thinking.uncheck();
    await expect.poll(() => promptText(page)).toContain('<think>\n\n</think>');
    const off = await countNow(page);
    expect(off).toBe(
      await apiCount({ tokenizer: 'qwen3', messages: [{ role: 'user', content: '你好' }], options: { enableThinking: false } }),
    );
    expect(off).toBeGreaterThan(on);
    expect(new URL(page.url()).searchParams.get('thinking')).toBe('0');
    await screenshot(page, 'chat-qwen3');
    await page.close();
  });
});
