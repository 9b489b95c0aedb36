import { existsSync } from 'node:fs';
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
