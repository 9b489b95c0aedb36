/**
 * tokenlab eval --quality: the quality page's measures on the command line. Its rows are the page's own (the job
 * behind POST /api/quality) for the same tokenizers, train split and held-out text, number for number.
 */
import { describe, expect, it } from 'vitest';
import { tokenlab } from './cli-run.js';
import { jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('cli-eval-quality'); // the commands below inherit it
const { createApp } = await import('../src/server/app.js');
const { jobManager } = await import('../src/jobs/job-manager.js');

describe('tokenlab eval --quality', () => {
  it('gives the quality page’s rows for a corpus’s split', async () => {
    const tokenizers = ['r50k_base', 'cl100k_base'];
    const run = await tokenlab(
      'eval',
      '--quality',
      '--tokenizers',
      tokenizers.join(','),
      '--train',
      'parallel-zh-en:train',
      '--corpus',
      'parallel-zh-en:heldout',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const cli = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const res = await jsonPoster(createApp())('/api/quality', { tokenizers, corpus: 'parallel-zh-en' });
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as { job: { id: string } };
    await jobManager().settled();
    expect(jobManager().get(job.id)!.progress).toMatchObject({ rows: cli });
    const table = await tokenlab(
      'eval',
      '--quality',
      '--tokenizers',
      'cl100k_base',
      '--train',
      'parallel-zh-en:train',
      '--corpus',
      'parallel-zh-en:heldout',
    );
    expect(table.stdout).toMatch(/^cl100k_base\s+\d+\s+[\d.]+.*\s+[\d.]+\s+yes$/m);
  });

  it('refuses what it cannot measure, clearly', async () => {
    expect((await tokenlab('eval', '--quality', '--tokenizers', 'cl100k_base', '--corpus', 'parallel-zh-en:heldout')).stderr).toMatch(
      /--train/,
    );
    const parallel = await tokenlab(
      'eval',
      '--quality',
      '--parallel',
      '--tokenizers',
      'cl100k_base',
      '--train',
      'parallel-zh-en',
      '--corpus',
      'parallel-zh-en',
    );
    expect(parallel.stderr).toMatch(/--parallel does not apply to --quality/);
  });
});
