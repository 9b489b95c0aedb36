import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_NICE, backgroundNice, startWorker } from '../src/jobs/workers.js';
import { WorkerPool } from '../src/jobs/worker-pool.js';

const LINUX = existsSync('/proc/self/task');

/** The nice value of each of this process's threads, by thread id. */
function niceByThread(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    out.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])); // field 19: nice
  }
  return out;
}

const from = new URL('../src/jobs/workers.ts', import.meta.url).href;

/** Runs `fn` with TOKENLAB_BACKGROUND_NICE set to `value` (undefined: unset), then restores it. */
function withBackgroundNice<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.TOKENLAB_BACKGROUND_NICE;
  const set = (v: string | undefined) =>
    v === undefined ? delete process.env.TOKENLAB_BACKGROUND_NICE : (process.env.TOKENLAB_BACKGROUND_NICE = v);
  set(value);
  try {
    return fn();
  } finally {
    set(saved);
  }
}

describe.skipIf(!LINUX)(`thread priorities${LINUX ? '' : ' (skipped: read from /proc/self/task, which only Linux has)'}`, () => {
  it('runs background workers at a lower priority and leaves the other threads alone', async () => {
    const before = niceByThread();
    // vitest.config.ts sets 0 for the other tests
    const worker = withBackgroundNice(undefined, () => startWorker('count-worker', from, { pattern: 'gpt2', options: {} }));
    const after = niceByThread();
    const started = [...after.keys()].filter((t) => !before.has(t));
    expect(started).toHaveLength(1);
    expect(after.get(started[0])).toBe(BACKGROUND_NICE);
    for (const [tid, nice] of before) expect(after.get(tid), `thread ${tid}`).toBe(nice);
    await worker.terminate();
  });

  it('takes the background priority from TOKENLAB_BACKGROUND_NICE, and refuses a value that is not one', async () => {
    const niceOfStarted = async (value: string) => {
      const before = niceByThread();
      const worker = withBackgroundNice(value, () => startWorker('count-worker', from, { pattern: 'gpt2', options: {} }));
      const started = [...niceByThread()].filter(([t]) => !before.has(t));
      await worker.terminate();
      expect(started).toHaveLength(1);
      return started[0][1];
    };
    expect(await niceOfStarted('15')).toBe(15);
    expect(await niceOfStarted('0')).toBe(niceByThread().values().next().value);
    for (const bad of ['20', '-1', '2.5', 'low']) {
      const message = `TOKENLAB_BACKGROUND_NICE must be a whole number from 0 to 19, not "${bad}"`;
      expect(() => withBackgroundNice(bad, backgroundNice)).toThrow(message);
      expect(() => withBackgroundNice(bad, () => startWorker('count-worker', from, {}))).toThrow(message);
    }
  });

  it('runs the threads that answer requests at normal priority', async () => {
    const pool = new WorkerPool<{ text: string; tokenizer: string; data: string }, ArrayBuffer>(
      'tokenize-worker',
      new URL('../src/server/tokenize-pool.ts', import.meta.url).href,
      1,
      (e) => new Error(e.message),
    );
    const before = niceByThread();
    await pool.run({ text: 'hi', tokenizer: 'gpt2', data: process.env.TOKENLAB_DATA ?? 'data' });
    const started = [...niceByThread()].filter(([t]) => !before.has(t));
    expect(started.length).toBeGreaterThan(0);
    for (const [tid, nice] of started) expect(nice, `thread ${tid}`).toBe(before.values().next().value);
    await pool.close();
  });
});

describe('worker memory', () => {
  it('gives background workers a small young generation and request threads a larger one', async () => {
    const background = startWorker('count-worker', from, { pattern: 'gpt2', options: {} });
    const requests = startWorker('count-worker', from, { pattern: 'gpt2', options: {} }, false);
    expect(background.resourceLimits?.maxYoungGenerationSizeMb).toBe(6);
    expect(requests.resourceLimits?.maxYoungGenerationSizeMb).toBe(32);
    await Promise.all([background.terminate(), requests.terminate()]);
  });
});
