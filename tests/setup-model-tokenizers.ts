/**
 * vitest's global setup: adds the four model tokenizers to test-artifacts/model-data once per run (a no-op when
 * they are there), through the CLI as a user would. Offline, it warns and the tests that need them skip.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HAVE_MODELS, MODEL_DATA, MODEL_NAMES } from './model-files.js';

export default function setup(): void {
  if (HAVE_MODELS) return;
  const cli = fileURLToPath(new URL('../bin/tokenlab.js', import.meta.url));
  const r = spawnSync(process.execPath, [cli, 'tokenizers', 'add', ...MODEL_NAMES], {
    env: { ...process.env, TOKENLAB_DATA: MODEL_DATA },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0) console.warn(`could not add the model tokenizers for the tests:\n${r.stderr ?? r.error?.message}`);
}
