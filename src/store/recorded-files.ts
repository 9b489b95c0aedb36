/**
 * Things the lab keeps as a binary file beside a JSON record, in one folder of the data directory (language
 * models, ∞-gram indexes): `<data>/<folder>/NAME<extension>` (written by a build worker) and `NAME.json` (the
 * record). The record is written last, so a thing exists once its record does; a file without a record (a build
 * stopped between the two writes) is not listed and a rebuild replaces it. Loaded things are cached in memory,
 * keyed by the file's mtime, so a rebuilt one is read again.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { checkName, dataDir, filesIn } from './data-dir.js';

export interface RecordedFiles<R extends { name: string }, T> {
  dir(): string;
  /** The name made safe as a file name (a RangeError names `what` otherwise). */
  checkName(name: string): string;
  /** Where the file of `name` goes (its folder made). */
  filePath(name: string): string;
  /** Records a thing whose file is written: from now on it is listed. */
  save(record: R): Promise<void>;
  /** Every thing with a record, by name. */
  list(): R[];
  find(name: string): R | undefined;
  /** The thing `name` (which must have a record), read once per version of its file. */
  load(name: string): Promise<T>;
  /** Deletes the record first (the thing stops being listed), then the file; false when there was none. */
  remove(name: string): Promise<boolean>;
}

export function recordedFiles<R extends { name: string }, T>(
  folder: string,
  extension: string,
  what: string,
  read: (path: string) => Promise<T>,
): RecordedFiles<R, T> {
  const dir = () => join(dataDir(), folder);
  const check = (name: string) => checkName(name, what);
  const recordPath = (name: string) => join(dir(), `${check(name)}.json`);
  const filePath = (name: string) => {
    mkdirSync(dir(), { recursive: true });
    return join(dir(), `${check(name)}${extension}`);
  };
  const find = (name: string): R | undefined => {
    try {
      return JSON.parse(readFileSync(recordPath(name), 'utf8')) as R;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof RangeError) return undefined;
      throw e;
    }
  };
  const loaded = new Map<string, { mtimeMs: number; value: Promise<T> }>();
  return {
    dir,
    checkName: check,
    filePath,
    save: (record) => writeFileAtomic(recordPath(record.name), JSON.stringify(record, null, 2) + '\n'),
    list: () =>
      filesIn(dir(), '.json')
        .filter((f) => !f.startsWith('.'))
        .map((f) => JSON.parse(readFileSync(join(dir(), f), 'utf8')) as R),
    find,
    load(name) {
      const path = filePath(name);
      const mtimeMs = statSync(path).mtimeMs;
      const cached = loaded.get(path);
      if (cached !== undefined && cached.mtimeMs === mtimeMs) return cached.value;
      const value = read(path);
      value.catch(() => loaded.delete(path));
      loaded.set(path, { mtimeMs, value });
      return value;
    },
    async remove(name) {
      if (find(name) === undefined) return false;
      await rm(recordPath(name), { force: true });
      const path = filePath(name);
      loaded.delete(path);
      await rm(path, { force: true });
      return true;
    },
  };
}
