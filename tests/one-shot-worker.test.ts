/**
 * runOneShot's limits (src/jobs/one-shot-worker.ts): the time limit counts from when the worker's work starts,
 * so a slow boot (a loaded machine) does not fail quick work, and work that never ends is still stopped.
 */
import { describe, expect, it } from 'vitest';
import { runOneShot } from '../src/jobs/one-shot-worker.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).href;
const limits = { timeoutMs: 300, timeoutError: () => new Error('too long'), heapMb: 64 };
const run = (data: { bootMs: number; spin: boolean }) => runOneShot<number>('slow-start-worker', FIXTURES, data, 'the test work', limits);

describe('runOneShot', () => {
  it('answers quick work whose worker took longer than the limit to boot', async () => {
    await expect(run({ bootMs: 1_000, spin: false })).resolves.toBe(42);
  });

  it('stops work that runs past the limit, with the limit’s error', async () => {
    await expect(run({ bootMs: 0, spin: true })).rejects.toThrow('too long');
  });
});
