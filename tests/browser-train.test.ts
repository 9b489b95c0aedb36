import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, inChromium, screenshot, useLab } from './browser.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('training studio, vocabularies and corpora'), () => {
  const lab = useLab();
  afterAll(async () => {
    const { jobManager } = await import('../src/jobs/job-manager.js');
    for (const j of jobManager().list()) jobManager().cancel(j.id);
    await jobManager().settled();
  });

  it('trains a small vocabulary from the page, shows its progress, and the tokenize page offers it at once', async () => {
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${lab.url}/train`);
    await page.locator('input[name=corpora][value="ts-messages-zh"]').check();
    await page.locator('input[name=name]').fill('studio-test');
    await page.locator('input[name=vocabSize]').fill('1500');
    await page.locator('#train-form button[type=submit]').click();
    await expect.poll(() => page.locator('#job-panel').count()).toBe(1);
    expect(page.url()).toMatch(/\/train\?job=/);
    await expect.poll(() => page.locator('#job-state').textContent(), { timeout: 60_000 }).toBe('done');
    expect(await page.locator('#progress-text').textContent()).toMatch(/1243 of 1243 merges/);
    expect(await page.locator('#curve .pt').count()).toBeGreaterThan(5);
    expect(await page.locator('#latest-merges li').count()).toBeGreaterThan(0);
    expect(await page.locator('#job-message').textContent()).toMatch(/saved vocabulary studio-test/);
    expect(await page.locator('#progress-text').textContent()).not.toMatch(/saving|left/);
    expect(await page.locator('#job-list').textContent()).toMatch(/studio-test\s*done/);
    await screenshot(page, 'train-done');
    await page.goto(`${lab.url}/`);
    expect(await page.locator('select[name=tokenizer] option[value="studio-test"]').count()).toBe(1);
    await page.close();
  });

  /** Starts a long training job from the page; the paths the page asked for are collected in `requests`. */
  async function startLongJob(page: Page, name: string, requests: string[], more: string[] = []): Promise<string> {
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(`${lab.url}/train`);
    for (const c of ['wordnet-en', 'ts-messages-zh-en', 'starter-mix', ...more])
      await page.locator(`input[name=corpora][value="${c}"]`).check();
    await page.locator('input[name=name]').fill(name);
    await page.locator('input[name=vocabSize]').fill('60000');
    await page.locator('input[name=minFrequency]').fill('0');
    await page.locator('#train-form button[type=submit]').click();
    await expect.poll(() => page.locator('#progress-text').textContent(), { timeout: 60_000 }).toMatch(/merges\/s · about/);
    return new URL(page.url()).searchParams.get('job')!;
  }

  /** The progress line changes: progress keeps arriving. */
  async function progressMoves(page: Page): Promise<void> {
    const first = await page.locator('#progress-text').textContent();
    await expect.poll(() => page.locator('#progress-text').textContent()).not.toBe(first);
  }

  async function cancel(page: Page): Promise<void> {
    await page.locator('#job-panel button', { hasText: 'Cancel' }).click();
    await expect.poll(() => page.locator('#job-state').textContent(), { timeout: 30_000 }).toBe('cancelled');
    await page.close();
  }

  it('shows a running job live, streamed without polling, and cancels it', async () => {
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const id = await startLongJob(page, 'to-cancel', requests);
    await progressMoves(page);
    await expect.poll(() => page.locator('#curve .pt').count(), { timeout: 60_000 }).toBeGreaterThan(1);
    expect(requests).toContain(`/fragment/train/${id}/events`);
    expect(requests).not.toContain(`/fragment/train/${id}`); // no polling
    expect(requests.filter((p) => p === `/fragment/train/${id}/events`)).toHaveLength(1); // one stream, kept open
    await screenshot(page, 'train-running');
    await cancel(page);
  });

  it('falls back to polling when the progress stream fails to open, or drops', async () => {
    for (const [name, failure] of [
      ['stream-refused', { status: 500, body: 'stream down' }],
      ['stream-dropped', { status: 200, contentType: 'text/event-stream', body: ': nothing, then the end\n\n' }],
    ] as const) {
      const page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.route('**/fragment/train/*/events', (r) => r.fulfill(failure));
      const requests: string[] = [];
      const id = await startLongJob(page, name, requests);
      await progressMoves(page);
      await expect.poll(() => requests.filter((p) => p === `/fragment/train/${id}`).length).toBeGreaterThan(1);
      expect(await page.locator('#job-panel').textContent(), name).not.toContain('stream down');
      await cancel(page);
    }
  });

  it('follows a job when the stream extension arrives after htmx (a slow network)', async () => {
    const starter = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const running = await startLongJob(starter, 'ahead', []);
    // a second job waits behind the first: its page follows it from the queue, for as long as both take
    const res = await fetch(`${lab.url}/api/train`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'queued',
        corpora: ['wordnet-en', 'ts-messages-zh-en'],
        vocabSize: 60_000,
        minFrequency: 0,
        pattern: 'cjk',
      }),
    });
    const { id } = ((await res.json()) as { job: { id: string } }).job;
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    // htmx starts a moment after it runs; an extension still downloading then would never see the page's panel
    await page.route('**/static/hx-sse.min.js', async (r) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await r.continue();
    });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(`${lab.url}/train?job=${id}`);
    expect(await page.locator('#job-state').textContent()).toMatch(/^(queued|running)$/);
    await expect.poll(() => requests).toContain(`/fragment/train/${id}/events`);
    const { jobManager } = await import('../src/jobs/job-manager.js');
    for (const j of [running, id]) jobManager().cancel(j); // from elsewhere: the page learns it from its stream
    await expect.poll(() => page.locator('#job-state').textContent(), { timeout: 30_000 }).toBe('cancelled');
    await Promise.all([starter.close(), page.close()]);
  });

  it('refuses an upload that is not UTF-8 with the offset of the bad byte, and previews a good one', async () => {
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${lab.url}/corpora`);
    await page.locator('#corpus-form input[name=name]').fill('latin1-file');
    await page
      .locator('#corpus-form input[name=file]')
      .setInputFiles({ name: 'bad.txt', mimeType: 'text/plain', buffer: Buffer.from('caf\xe9 au lait\n', 'latin1') });
    await page.locator('#corpus-form button[type=submit]').click();
    await expect
      .poll(() => page.locator('#corpus-error').textContent())
      .toMatch(/not valid UTF-8: decoding fails at byte offset 3 \(0xe9\)/);
    await screenshot(page, 'corpora-bad-upload');
    await page.locator('#corpus-form input[name=name]').fill('good-file');
    await page.locator('#corpus-form textarea[name=text]').fill('第一行 first line\n第二行 second line\n');
    await page.locator('#corpus-form button[type=submit]').click();
    await expect.poll(() => page.locator('#corpus-added').textContent()).toMatch(/Added good-file/);
    expect(await page.locator('#preview li').count()).toBe(2);
    // The row whose name is wordnet-en (starter-mix's description names it too).
    await page
      .locator('#bundled-corpora tr', { hasText: /^\s*wordnet-en/ })
      .locator('.preview-button')
      .click();
    await expect.poll(() => page.locator('#preview figcaption').textContent()).toMatch(/wordnet-en/);
    await screenshot(page, 'corpora');
    await page.close();
  });

  it('explores a vocabulary: filters, merge tree, scrubber; deletes a user vocabulary', async () => {
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${lab.url}/vocab/tokenlab-cjk-32k`);
    await page.locator('#token-search select[name=filter]').selectOption('han');
    await expect.poll(() => page.locator('#token-table td:last-child').first().textContent()).toMatch(/^Han only/);
    await page.locator('#token-table .tree-link').first().click();
    await expect.poll(() => page.locator('#merge-tree').count()).toBe(1);
    expect(await page.locator('#merge-tree li').count()).toBeGreaterThan(3);
    const count = async () => Number(/<strong>(\d+)<\/strong> tokens/.exec(await page.locator('#scrub-count').innerHTML())![1]);
    const all = await count();
    await page.locator('#scrub-form input[name=k]').fill('0');
    await expect.poll(count).toBeGreaterThan(all);
    await screenshot(page, 'vocab-explorer');

    page.on('dialog', (d) => void d.accept());
    await page.goto(`${lab.url}/vocab/studio-test`);
    await page.locator('#delete').click();
    await page.waitForURL(`${lab.url}/vocab`);
    expect(await page.locator('#vocab-list a', { hasText: 'studio-test' }).count()).toBe(0);
    await screenshot(page, 'vocab-list');
    await page.close();
  });
});
