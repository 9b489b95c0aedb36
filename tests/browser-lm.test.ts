import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, inChromium, screenshot, startLab, type Lab } from './browser.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('LM studio'), () => {
  let lab: Lab;
  let page: Page;
  beforeAll(async () => {
    lab = await startLab();
    page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await lab?.close();
  });

  /** Opens a tab of the model's page. */
  async function tab(label: string): Promise<void> {
    await page.getByRole('link', { name: label, exact: true }).click();
    await page.waitForLoadState('domcontentloaded');
  }

  it('builds a model from the page and follows its progress to the end', async () => {
    await page.goto(`${lab.url}/lm`);
    expect(await page.locator('#lm-models').textContent()).toContain('No models yet');
    await page.selectOption('select[name=tokenizer]', 'cl100k_base');
    await page.selectOption('select[name=corpus]', 'parallel-zh-en');
    await page.fill('input[name=order]', '3');
    await page.fill('input[name=name]', 'pz3');
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.click('#lm-build-form button[type=submit]');
    await expect.poll(() => page.locator('#lm-job-state').textContent(), { timeout: 60_000 }).toBe('done');
    const job = `/fragment/lm-job/${new URL(page.url()).searchParams.get('job')}`;
    expect(asked).toContain(`${job}/events`); // the progress streamed, unpolled
    expect(asked).not.toContain(job);
    expect(await page.locator('#lm-job-message').textContent()).toMatch(/saved model pz3/);
    // the list, the models and the board follow the panel without a reload
    await expect.poll(() => page.locator('#lm-models').textContent()).toContain('pz3');
    expect(await page.locator('#lm-job-list .state-done').count()).toBe(1);
    // a second model over another tokenizer joins the same corpus's board
    await page.selectOption('select[name=tokenizer]', 'o200k_base');
    await page.fill('input[name=name]', 'pz3-o200k');
    await page.click('#lm-build-form button[type=submit]');
    await expect.poll(() => page.locator('.lm-board[data-corpus="parallel-zh-en"] tbody tr').count(), { timeout: 60_000 }).toBe(2);
    expect(await page.locator('.lm-board[data-corpus="parallel-zh-en"]').textContent()).toContain('pz3-o200k');
    await page.fill('input[name=L]', '100277');
    await page.fill('input[name=K]', '50');
    await expect.poll(() => page.locator('#lm-space-log10').textContent()).toBe('250.060'); // 50 log10(100277) + a little
    await screenshot(page, 'lm-list');
    await page.locator('#lm-models a', { hasText: /^pz3$/ }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('pz3');
  });

  it('scores a text: tokens coloured by probability with a legend, the hover names probability, n-gram order and context, totals', async () => {
    await page.fill('textarea[name=text]', 'An n-gram language model predicts the next token.\n语言模型预测下一个词元。');
    await page.click('#lm-submit');
    await expect.poll(() => page.locator('#lm-perplexity').count()).toBe(1);
    expect(Number(await page.locator('#lm-bpb').textContent())).toBeGreaterThan(0);
    expect(await page.locator('.lm-line').count()).toBe(2);
    await page.locator('.lm-tok').nth(3).hover();
    expect(await page.locator('#lm-hover').textContent()).toMatch(
      /P = .* · log₂ P = -?\d+\.\d\d · matched a [123]-gram: context used [012] of the 2 tokens it could see: \S+/,
    );
    expect(await page.locator('#lm-legend .lm-swatch').count()).toBe(6);
    await screenshot(page, 'lm-surprisal');
  });

  it('lists the next tokens as bars with their trie counts', async () => {
    await tab('Next token');
    await page.fill('textarea[name=context]', '语言模型');
    await page.click('#lm-submit');
    await expect.poll(() => page.locator('#lm-next tbody tr').count()).toBe(20);
    expect(Number(await page.locator('#lm-matched').textContent())).toBeGreaterThan(0);
    expect(Number(await page.locator('#lm-next .lm-count').first().textContent())).toBeGreaterThan(0); // the top token followed this context
    await screenshot(page, 'lm-next');
  });

  it('walks a continuation by hand: clicking a bar appends its token to the context and shows what follows', async () => {
    const before = await page.locator('#lm-next tbody').textContent();
    const bar = page.locator('#lm-next .lm-bar-link').first();
    const grown = new URL((await bar.getAttribute('href'))!, lab.url).searchParams.get('context')!;
    expect(grown.startsWith('语言模型') && grown.length > '语言模型'.length).toBe(true);
    await bar.click();
    await page.waitForURL((u) => u.searchParams.get('context') === grown);
    expect(await page.inputValue('textarea[name=context]')).toBe(grown);
    expect(await page.locator('#lm-next tbody').textContent()).not.toBe(before);
    await screenshot(page, 'lm-next-walked');
    // the same context's node in the trie explorer, and back
    await page.click('#lm-to-trie');
    await expect.poll(() => page.locator('#lm-breadcrumb a').count()).toBeGreaterThan(1);
    await page.click('#lm-to-next');
    await page.waitForURL((u) => u.searchParams.get('view') === 'next');
    expect(await page.locator('#lm-next tbody tr').count()).toBeGreaterThan(0);
  });

  it('keeps what was typed, sent or not, when switching tabs', async () => {
    await page.fill('textarea[name=context]', 'typed, not sent');
    await tab('Surprisal');
    expect(await page.inputValue('textarea[name=text]')).toBe(
      'An n-gram language model predicts the next token.\n语言模型预测下一个词元。',
    );
    await tab('Next token');
    expect(await page.inputValue('textarea[name=context]')).toBe('typed, not sent');
    await tab('Question & answer');
    expect(await page.inputValue('textarea[name=question]')).toBe('typed, not sent'); // an empty text starts from the one left
  });

  it('descends the trie from <s> and back through the breadcrumb', async () => {
    await tab('Trie explorer');
    await expect.poll(() => page.locator('#lm-trie tbody tr').count()).toBeGreaterThan(5);
    await page.click('#lm-result a:has-text("<s>")');
    await expect.poll(() => page.locator('#lm-breadcrumb a').count()).toBe(2);
    await page.locator('#lm-trie tbody tr a').first().click();
    await expect.poll(() => page.locator('#lm-breadcrumb a').count()).toBe(3);
    expect(new URL(page.url()).searchParams.get('path')).toMatch(/^-1,\d+$/);
    await screenshot(page, 'lm-trie');
    await page.locator('#lm-breadcrumb a').first().click();
    await expect.poll(() => page.locator('#lm-breadcrumb a').count()).toBe(1);
  });

  it('samples the same text twice with the same seed', async () => {
    await tab('Sampling');
    await page.fill('input[name=seed]', '42');
    await page.fill('input[name=length]', '30');
    await page.click('#lm-submit');
    await expect.poll(() => page.locator('#lm-sample-text').count()).toBe(1);
    await expect.poll(() => new URL(page.url()).searchParams.get('seed')).toBe('42'); // the address is the shareable page of this sample
    const first = await page.locator('#lm-sample-text').textContent();
    expect(first!.length).toBeGreaterThan(0);
    await page.evaluate("document.getElementById('lm-result').replaceChildren()"); // a string: it runs in the page, where document is
    await page.click('#lm-submit');
    await expect.poll(() => page.locator('#lm-sample-text').count()).toBe(1);
    expect(await page.locator('#lm-sample-text').textContent()).toBe(first);
    await page.reload();
    expect(await page.locator('#lm-sample-text').textContent()).toBe(first);
    await screenshot(page, 'lm-sample');
  });

  it('streams a sample token by token as it is drawn, ending as the page without script draws it', async () => {
    // Strings: they run in the page. The counts of drawn tokens #lm-sample-tokens held, each time the result changed.
    await page.evaluate(`window.tokenCounts = [];
      new MutationObserver(() => {
        const n = document.querySelectorAll('#lm-sample-tokens .lm-tok').length;
        if (document.getElementById('lm-sample-tokens') && window.tokenCounts.at(-1) !== n) window.tokenCounts.push(n);
      }).observe(document.getElementById('lm-result'), { childList: true, subtree: true });`);
    await page.fill('input[name=seed]', '9');
    await page.fill('input[name=length]', '200');
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/fragment/lm/pz3/sample');
    await page.click('#lm-submit');
    expect((await answer).headers()['content-type']).toMatch(/^text\/event-stream/);
    await expect.poll(() => page.locator('#lm-sample-text').count()).toBe(1);
    const counts = (await page.evaluate('window.tokenCounts')) as number[];
    const drawn = await page.locator('#lm-sample-tokens .lm-tok').count();
    expect(counts[0]).toBe(0); // the result's frame came first, without tokens
    expect(counts.at(-1)).toBe(drawn);
    expect(counts.length).toBeGreaterThan(2); // then the tokens, in steps
    expect(counts.every((n, i) => i === 0 || n > counts[i - 1])).toBe(true);
    const text = await page.locator('#lm-sample-text').textContent();
    await page.reload(); // the page of this sample, drawn by the server at once
    expect(await page.locator('#lm-sample-text').textContent()).toBe(text);
    expect(await page.locator('#lm-sample-tokens .lm-tok').count()).toBe(drawn);
  });

  it('shows log P(A | Q) and log P(A | Q, T), per-token bars under both, and the window', async () => {
    await tab('Question & answer');
    await page.fill('textarea[name=question]', 'What does an n-gram language model predict?');
    await page.fill('textarea[name=thought]', ' It looks at the few tokens before:');
    await page.fill('textarea[name=answer]', ' the next token from the few tokens before it.');
    await page.click('#lm-submit');
    await expect.poll(() => page.locator('#lm-with').count()).toBe(1);
    expect(await page.locator('#lm-without').textContent()).toMatch(/^-\d+\.\d\d bits$/);
    expect(await page.locator('#lm-with').textContent()).toMatch(/^-\d+\.\d\d bits$/);
    expect(await page.locator('#lm-difference').textContent()).toMatch(/^[+-]\d+\.\d\d bits$/);
    expect(await page.locator('#lm-answer-bars .bar.lm-q').count()).toBeGreaterThan(3);
    expect(await page.locator('#lm-answer-bars .bar.lm-qt').count()).toBe(await page.locator('#lm-answer-bars .bar.lm-q').count());
    expect(await page.locator('#lm-window-size').textContent()).toBe('2');
    expect(await page.locator('#lm-window').textContent()).toContain('does not matter');
    await screenshot(page, 'lm-qa');
  });
});
