/**
 * vitest's global setup: adds the on-demand corpora (tang-poems, song-ci, classics-zh: npm fetches chinese-poetry
 * once) to the corpora directory the tests use, through the CLI as a user would; a no-op when they are there.
 * Offline, it warns and the tests that need them skip (`needsPoetry` in tests/on-demand-corpora.ts).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HAVE_POETRY } from './on-demand-corpora.js';

export default function setup(): void {
  if (HAVE_POETRY) return;
  const cli = fileURLToPath(new URL('../bin/tokenlab.js', import.meta.url));
  const r = spawnSync(process.execPath, [cli, 'corpus', 'add-bundled', 'tang-poems'], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) console.warn(`could not add the on-demand corpora for the tests:\n${r.stderr ?? r.error?.message}`);
}
