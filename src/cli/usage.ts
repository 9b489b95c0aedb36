import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line: reported with the usage text and exit code 2. */
export class UsageError extends Error {}

/**
 * What a file-system error says to a person: "no such file: poems.tlm" rather than Node's "ENOENT: ..., open ...".
 * Reading a directory fails without its path (EISDIR on the read, not the open).
 */
const FILE_ERRORS: Record<string, (path: string | undefined) => string | undefined> = {
  ENOENT: (path) => path && `no such file: ${path}`,
  EISDIR: (path) => (path ? `${path} is a directory, not a file` : 'a directory was given where a file is read'),
  ENOTDIR: (path) => path && `${path}: a part of this path is a file, not a directory`,
  EACCES: (path) => path && `permission denied: ${path}`,
};

/** The message of a command's error, file-system errors in plain words. */
export function errorMessage(e: Error): string {
  const { code, path } = e as NodeJS.ErrnoException;
  return (code !== undefined && Object.hasOwn(FILE_ERRORS, code) ? FILE_ERRORS[code](path) : undefined) ?? e.message;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs, with its errors turned into UsageErrors; an unknown option names the closest one the command has
 * ("unknown option --vocab-szie; did you mean --vocab-size?"). Positionals are allowed (extra corpus files).
 */
export function parseOptions<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const unknown = /Unknown option '(-[^']*)'/.exec((e as Error).message)?.[1];
    if (unknown === undefined) throw new UsageError((e as Error).message);
    const near = closest(unknown.replace(/^--?/, ''), Object.keys(options));
    throw new UsageError(`unknown option ${unknown}${near === undefined ? '' : `; did you mean --${near}?`}`);
  }
}

/**
 * The word of `words` nearest to `word` by edit distance, if it is near enough to be a slip (at most a third of
 * its letters, and at least one): closest('vocab-szie', ['vocab-size', 'out']) is 'vocab-size'.
 */
export function closest(word: string, words: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const w of words) {
    const d = editDistance(word, w);
    if (d < bestDistance) [best, bestDistance] = [w, d];
  }
  return best;
}

/** Levenshtein distance, with a swap of two neighbours counting as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

export function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, not ${JSON.stringify(value)}`);
  return n;
}

/** Runs the subcommand `args[0]` names among `subcommands`, with the rest of the arguments. */
export async function runSubcommand(
  command: string,
  subcommands: Record<string, (args: string[]) => Promise<void>>,
  args: string[],
): Promise<void> {
  const [name, ...rest] = args;
  const sub = name === undefined || !Object.hasOwn(subcommands, name) ? undefined : subcommands[name];
  if (!sub)
    throw new UsageError(
      `${command} takes one of ${Object.keys(subcommands).join(', ')}${name === undefined ? '' : `, not ${JSON.stringify(name)}`}`,
    );
  await sub(rest);
}
