import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** ../shared beside the repository: development corpora and peer fixtures, absent in a user's clone. */
export const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
export const HAVE_SHARED = existsSync(join(SHARED, 'corpora'));
export const SKIP_SHARED_REASON = `skipped: ${SHARED} is absent (development corpora live outside the repository)`;

export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}

if (!HAVE_SHARED) console.warn(SKIP_SHARED_REASON);

/**
 * Points TOKENLAB_DATA at a fresh, empty directory and returns it. Call it at the top of a test file, before
 * anything reads the data directory: vitest runs each file in its own process, so nothing needs restoring.
 */
export function useFreshDataDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tokenlab-${name}-`));
  process.env.TOKENLAB_DATA = dir;
  return dir;
}
