import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where everything a user creates lives: TOKENLAB_DATA, default ./data (ignored by git). */
export function dataDir(): string {
  return resolve(process.env.TOKENLAB_DATA ?? 'data');
}

/** A name a user gives (a corpus, a vocabulary) made safe as a file name: no path can escape the directory. */
export function checkName(name: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new RangeError(
      `${what} name ${JSON.stringify(name)} is not allowed: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return name;
}

/** The names in `dir` ending in `suffix`, sorted; none if the directory does not exist (nothing saved yet). */
export function filesIn(dir: string, suffix: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(suffix))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
