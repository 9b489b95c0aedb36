import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line: reported with the usage text and exit code 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs, with its errors turned into UsageErrors. Positionals are allowed (extra corpus files). */
export function parseOptions<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
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
