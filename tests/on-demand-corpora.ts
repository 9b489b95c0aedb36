/** Whether the on-demand corpora are added where the tests look (tests/setup-on-demand.ts adds them). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The corpora directory of a run that does not set TOKENLAB_CORPORA_DIR (src/store/corpora/catalogue.ts). */
const CORPORA_DIR = process.env.TOKENLAB_CORPORA_DIR ?? fileURLToPath(new URL('../corpora/extracted/', import.meta.url));

export const HAVE_POETRY = existsSync(join(CORPORA_DIR, 'packages', 'chinese-poetry', 'source.json'));

export const SKIP_POETRY_REASON = 'skipped: the on-demand corpora could not be added (no npm registry reachable?)';

/** A test title, with the reason it is skipped when the on-demand corpora are not there. */
export function needsPoetry(title: string): string {
  return HAVE_POETRY ? title : `${title} (${SKIP_POETRY_REASON})`;
}
