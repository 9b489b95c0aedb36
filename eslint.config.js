// ESLint: typescript-eslint's recommended rules, plus the layering of DEVELOPERS.md checked by import-x:
// data flows server/cli -> jobs -> store -> engine (bpe <- lm, eval, chat), and views get plain data.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** What each folder may not import (type-only imports count: a cycle of types is still a cycle). */
const LAYERS = [
  {
    target: './src/bpe',
    from: ['./src/lm', './src/eval', './src/chat', './src/store', './src/jobs', './src/server', './src/cli', './views'],
    why: 'the BPE engine imports only itself',
  },
  {
    target: './src/lm',
    from: ['./src/eval', './src/chat', './src/store', './src/jobs', './src/server', './src/cli', './views'],
    why: 'the LM engine imports only itself and src/bpe',
  },
  {
    target: './src/eval',
    from: ['./src/lm', './src/chat', './src/store', './src/jobs', './src/server', './src/cli', './views'],
    why: 'metrics import only the engine',
  },
  {
    target: './src/chat',
    from: ['./src/lm', './src/eval', './src/store', './src/jobs', './src/server', './src/cli', './views'],
    why: 'chat templates import only themselves and src/bpe',
  },
  { target: './src/store', from: ['./src/jobs', './src/server', './src/cli', './views'], why: 'the store imports only the engine' },
  { target: './src/jobs', from: ['./src/server', './src/cli', './views'], why: 'jobs import the store and the engine' },
  { target: './src/server', from: ['./src/cli'], why: 'the server and the CLI are separate entry points' },
  { target: './src/cli', from: ['./src/server', './views'], why: 'the server and the CLI are separate entry points' },
  { target: './views', from: ['./src'], why: 'views receive plain data and declare their own prop types' },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'corpora/extracted/', 'test-artifacts/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    languageOptions: { globals: globals.node },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: LAYERS.map(({ target, from, why }) => ({ target, from, message: why })) }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Tests take malformed documents apart field by field, where a type would only restate the test.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
