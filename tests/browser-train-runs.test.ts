import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, inChromium, screenshot, useLab } from './browser.js';

describe.skipIf(!HAVE_CHROMIUM)(inChromium('training studio: runs on one chart'), () => {
  const lab = useLab();

  /** Trains through the API and waits for the job to finish. */
  async function trained(body: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${lab.url}/api/train`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { job } = (await res.json()) as { job: { id: string } };
    const state = async () => ((await (await fetch(`${lab.url}/api/jobs/${job.id}`)).json()) as { job: { state: string } }).job.state;
    await expect.poll(state, { timeout: 120_000, interval: 500 }).toBe('done');
    return job.id;
  }

  it('overlays the curves of finished runs of two algorithms, each in its colour with a legend', async () => {
    const corpora = ['ts-messages-zh'];
    const bpe = await trained({
      name: 'runs-bpe',
      corpora,
      vocabSize: 1500,
      algorithm: 'bpe',
      pattern: 'cjk',
      minFrequency: 2,
      specials: [],
    });
    const unigram = await trained({ name: 'runs-unigram', corpora, vocabSize: 1500, algorithm: 'unigram', specials: [] });
    const page = await lab.browser.newPage({ viewport: { width: 1280, height: 1200 } });
    await page.goto(`${lab.url}/train`);
    await page.locator(`#runs-form input[name=runs][value="${bpe}"]`).check();
    await page.locator(`#runs-form input[name=runs][value="${unigram}"]`).check();
    await page.locator('#runs-form button[type=submit]').click();
    await expect.poll(() => page.locator('#runs-chart g.run').count()).toBe(2);
    expect(page.url()).toContain(`runs=${bpe}`);
    // BPE's curve was measured as it trained; Unigram's is its finished vocabulary's point
    expect(await page.locator(`#runs-chart g.run[data-run="${bpe}"] circle`).count()).toBeGreaterThan(5);
    expect(await page.locator(`#runs-chart g.run[data-run="${unigram}"] circle`).count()).toBe(1);
    const colours = await page
      .locator('#runs-chart g.run')
      .evaluateAll((gs) => gs.map((g) => g.ownerDocument.defaultView!.getComputedStyle(g.querySelector('polyline, circle')!).stroke));
    expect(new Set(colours).size).toBe(2); // series-1, series-2
    expect(await page.locator('#runs-legend li').allTextContents()).toEqual([
      expect.stringMatching(/runs-bpe \(bpe, 1500 tokens\)/),
      expect.stringMatching(/runs-unigram \(unigram, 1500 tokens\)/),
    ]);
    const label = await page.locator('#runs-chart svg[role=img]').getAttribute('aria-label');
    expect(label).toMatch(
      /2 runs\. runs-bpe \(bpe\): [\d.]+ bytes per token at \d+ tokens; runs-unigram \(unigram\): [\d.]+ bytes per token/,
    );
    await screenshot(page, 'train-runs');
    await page.close();
  });
});
