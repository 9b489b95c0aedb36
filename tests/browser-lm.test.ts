import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, inChromium, screenshot, useLab } from './browser.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('LM studio'), () => {
  const lab = useLab();

  /** Opens a tab of the model's lab.page. */
  async function tab(label: string): Promise<void> {
    await lab.page.getByRole('link', { name: label, exact: true }).click();
    await lab.page.waitForLoadState('domcontentloaded');
  }

  it('builds a model from the page and follows its progress to the end', async () => {
    await lab.page.goto(`${lab.url}/lm`);
    expect(await lab.page.locator('#lm-models').textContent()).toContain('No models yet');
    await lab.page.selectOption('select[name=tokenizer]', 'cl100k_base');
    await lab.page.selectOption('select[name=corpus]', 'parallel-zh-en');
    await lab.page.fill('input[name=order]', '3');
    await lab.page.fill('input[name=name]', 'pz3');
    const asked: string[] = [];
    lab.page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await lab.page.click('#lm-build-form button[type=submit]');
    await expect.poll(() => lab.page.locator('#lm-job-state').textContent(), { timeout: 60_000 }).toBe('done');
    const job = `/fragment/lm-job/${new URL(lab.page.url()).searchParams.get('job')}`;
    expect(asked).toContain(`${job}/events`); // the progress streamed, unpolled
    expect(asked).not.toContain(job);
    expect(await lab.page.locator('#lm-job-message').textContent()).toMatch(/saved model pz3/);
    // the list, the models and the board follow the panel without a reload
    await expect.poll(() => lab.page.locator('#lm-models').textContent()).toContain('pz3');
    expect(await lab.page.locator('#lm-job-list .state-done').count()).toBe(1);
    // a second model over another tokenizer joins the same corpus's board
    await lab.page.selectOption('select[name=tokenizer]', 'o200k_base');
    await lab.page.fill('input[name=name]', 'pz3-o200k');
    await lab.page.click('#lm-build-form button[type=submit]');
    await expect.poll(() => lab.page.locator('.lm-board[data-corpus="parallel-zh-en"] tbody tr').count(), { timeout: 60_000 }).toBe(2);
    expect(await lab.page.locator('.lm-board[data-corpus="parallel-zh-en"]').textContent()).toContain('pz3-o200k');
    await lab.page.fill('input[name=L]', '100277');
    await lab.page.fill('input[name=K]', '50');
    await expect.poll(() => lab.page.locator('#lm-space-log10').textContent()).toBe('250.060'); // 50 log10(100277) + a little
    await screenshot(lab.page, 'lm-list');
    await lab.page.locator('#lm-models a', { hasText: /^pz3$/ }).click();
    await expect.poll(() => lab.page.locator('h1').textContent()).toBe('pz3');
  });

  it('scores a text: tokens coloured by probability with a legend, the hover names probability, n-gram order and context, totals', async () => {
    await lab.page.fill('textarea[name=text]', 'An n-gram language model predicts the next token.\n语言模型预测下一个词元。');
    await lab.page.click('#lm-submit');
    await expect.poll(() => lab.page.locator('#lm-perplexity').count()).toBe(1);
    expect(Number(await lab.page.locator('#lm-bpb').textContent())).toBeGreaterThan(0);
    expect(await lab.page.locator('.lm-line').count()).toBe(2);
    await lab.page.locator('.lm-tok').nth(3).hover();
    expect(await lab.page.locator('#lm-hover').textContent()).toMatch(
      /P = .* · log₂ P = -?\d+\.\d\d · matched a [123]-gram: context used [012] of the 2 tokens it could see: \S+/,
    );
    expect(await lab.page.locator('#lm-legend .lm-swatch').count()).toBe(6);
    await screenshot(lab.page, 'lm-surprisal');
  });

  it('lists the next tokens as bars with their trie counts', async () => {
    await tab('Next token');
    await lab.page.fill('textarea[name=context]', '语言模型');
    await lab.page.click('#lm-submit');
    await expect.poll(() => lab.page.locator('#lm-next tbody tr').count()).toBe(20);
    expect(Number(await lab.page.locator('#lm-matched').textContent())).toBeGreaterThan(0);
    expect(Number(await lab.page.locator('#lm-next .lm-count').first().textContent())).toBeGreaterThan(0); // the top token followed this context
    await screenshot(lab.page, 'lm-next');
  });

  it('walks a continuation by hand: clicking a bar appends its token to the context and shows what follows', async () => {
    const before = await lab.page.locator('#lm-next tbody').textContent();
    const bar = lab.page.locator('#lm-next .lm-bar-link').first();
    const grown = new URL((await bar.getAttribute('href'))!, lab.url).searchParams.get('context')!;
    expect(grown.startsWith('语言模型') && grown.length > '语言模型'.length).toBe(true);
    await bar.click();
    await lab.page.waitForURL((u) => u.searchParams.get('context') === grown);
    expect(await lab.page.inputValue('textarea[name=context]')).toBe(grown);
    expect(await lab.page.locator('#lm-next tbody').textContent()).not.toBe(before);
    await screenshot(lab.page, 'lm-next-walked');
    // the same context's node in the trie explorer, and back
    await lab.page.click('#lm-to-trie');
    await expect.poll(() => lab.page.locator('#lm-breadcrumb a').count()).toBeGreaterThan(1);
    await lab.page.click('#lm-to-next');
    await lab.page.waitForURL((u) => u.searchParams.get('view') === 'next');
    expect(await lab.page.locator('#lm-next tbody tr').count()).toBeGreaterThan(0);
  });

  it('keeps what was typed, sent or not, when switching tabs', async () => {
    await lab.page.fill('textarea[name=context]', 'typed, not sent');
    await tab('Surprisal');
    expect(await lab.page.inputValue('textarea[name=text]')).toBe(
      'An n-gram language model predicts the next token.\n语言模型预测下一个词元。',
    );
    await tab('Next token');
    expect(await lab.page.inputValue('textarea[name=context]')).toBe('typed, not sent');
    await tab('Question & answer');
    expect(await lab.page.inputValue('textarea[name=question]')).toBe('typed, not sent'); // an empty text starts from the one left
  });

  it('descends the trie from <s> and back through the breadcrumb', async () => {
    await tab('Trie explorer');
    await expect.poll(() => lab.page.locator('#lm-trie tbody tr').count()).toBeGreaterThan(5);
    await lab.page.click('#lm-result a:has-text("<s>")');
    await expect.poll(() => lab.page.locator('#lm-breadcrumb a').count()).toBe(2);
    await lab.page.locator('#lm-trie tbody tr a').first().click();
    await expect.poll(() => lab.page.locator('#lm-breadcrumb a').count()).toBe(3);
    expect(new URL(lab.page.url()).searchParams.get('path')).toMatch(/^-1,\d+$/);
    await screenshot(lab.page, 'lm-trie');
    await lab.page.locator('#lm-breadcrumb a').first().click();
    await expect.poll(() => lab.page.locator('#lm-breadcrumb a').count()).toBe(1);
  });

  it('samples the same text twice with the same seed', async () => {
    await tab('Sampling');
    await lab.page.fill('input[name=seed]', '42');
    await lab.page.fill('input[name=length]', '30');
    await lab.page.click('#lm-submit');
    await expect.poll(() => lab.page.locator('#lm-sample-text').count()).toBe(1);
    await expect.poll(() => new URL(lab.page.url()).searchParams.get('seed')).toBe('42'); // the address is the shareable lab.page of this sample
    const first = await lab.page.locator('#lm-sample-text').textContent();
    expect(first!.length).toBeGreaterThan(0);
    await lab.page.evaluate("document.getElementById('lm-result').replaceChildren()"); // a string: it runs in the page, where document is
    await lab.page.click('#lm-submit');
    await expect.poll(() => lab.page.locator('#lm-sample-text').count()).toBe(1);
    expect(await lab.page.locator('#lm-sample-text').textContent()).toBe(first);
    await lab.page.reload();
    expect(await lab.page.locator('#lm-sample-text').textContent()).toBe(first);
    await screenshot(lab.page, 'lm-sample');
  });

  it('streams a sample token by token as it is drawn, ending as the page without script draws it', async () => {
    // Strings: they run in the page. The counts of drawn tokens #lm-sample-tokens held, each time the result changed.
    await lab.page.evaluate(`window.tokenCounts = [];
      new MutationObserver(() => {
        const n = document.querySelectorAll('#lm-sample-tokens .lm-tok').length;
        if (document.getElementById('lm-sample-tokens') && window.tokenCounts.at(-1) !== n) window.tokenCounts.push(n);
      }).observe(document.getElementById('lm-result'), { childList: true, subtree: true });`);
    await lab.page.fill('input[name=seed]', '9');
    await lab.page.fill('input[name=length]', '200');
    const answer = lab.page.waitForResponse((r) => new URL(r.url()).pathname === '/fragment/lm/pz3/sample');
    await lab.page.click('#lm-submit');
    expect((await answer).headers()['content-type']).toMatch(/^text\/event-stream/);
    await expect.poll(() => lab.page.locator('#lm-sample-text').count()).toBe(1);
    const counts = (await lab.page.evaluate('window.tokenCounts')) as number[];
    const drawn = await lab.page.locator('#lm-sample-tokens .lm-tok').count();
    expect(counts[0]).toBe(0); // the result's frame came first, without tokens
    expect(counts.at(-1)).toBe(drawn);
    expect(counts.length).toBeGreaterThan(2); // then the tokens, in steps
    expect(counts.every((n, i) => i === 0 || n > counts[i - 1])).toBe(true);
    const text = await lab.page.locator('#lm-sample-text').textContent();
    await lab.page.reload(); // the page of this sample, drawn by the server at once
    expect(await lab.page.locator('#lm-sample-text').textContent()).toBe(text);
    expect(await lab.page.locator('#lm-sample-tokens .lm-tok').count()).toBe(drawn);
  });

  it('shows log P(A | Q) and log P(A | Q, T), per-token bars under both, and the window', async () => {
    await tab('Question & answer');
    await lab.page.fill('textarea[name=question]', 'What does an n-gram language model predict?');
    await lab.page.fill('textarea[name=thought]', ' It looks at the few tokens before:');
    await lab.page.fill('textarea[name=answer]', ' the next token from the few tokens before it.');
    await lab.page.click('#lm-submit');
    await expect.poll(() => lab.page.locator('#lm-with').count()).toBe(1);
    expect(await lab.page.locator('#lm-without').textContent()).toMatch(/^-\d+\.\d\d bits$/);
    expect(await lab.page.locator('#lm-with').textContent()).toMatch(/^-\d+\.\d\d bits$/);
    expect(await lab.page.locator('#lm-difference').textContent()).toMatch(/^[+-]\d+\.\d\d bits$/);
    expect(await lab.page.locator('#lm-answer-bars .bar.lm-q').count()).toBeGreaterThan(3);
    expect(await lab.page.locator('#lm-answer-bars .bar.lm-qt').count()).toBe(await lab.page.locator('#lm-answer-bars .bar.lm-q').count());
    expect(await lab.page.locator('#lm-window-size').textContent()).toBe('2');
    expect(await lab.page.locator('#lm-window').textContent()).toContain('does not matter');
    await screenshot(lab.page, 'lm-qa');
  });
});
