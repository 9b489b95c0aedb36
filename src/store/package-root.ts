import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The tokenlab package root (the directory whose package.json names tokenlab), found by walking up from this
 * file: the same answer from src/ (tests) and dist/src/ (the built CLI and server). The committed corpora
 * and the shipped vocabularies are found from it.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tokenlab') return dir;
      } catch {
        /* not ours */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('tokenlab package root not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}
