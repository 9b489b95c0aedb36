import { convertCommand } from './convert.js';
import { trainCommand } from './train.js';
import { UsageError } from './usage.js';

const USAGE = `tokenlab: a tokenizer laboratory

  tokenlab train --corpus FILE... --vocab-size N --pattern gpt2|cl100k|o200k|cjk
                 [--special TOKEN,...] [--min-frequency N] [--compat hf] [--threads N] --out FILE [--json]
  tokenlab export --vocab FILE --format tiktoken|hf --out FILE
  tokenlab import --format tiktoken|hf --in FILE --out FILE [--pattern NAME|REGEX] [--special TOKEN=ID,...]
`;

const commands: Record<string, (args: string[]) => Promise<void>> = {
  train: trainCommand,
  export: (args) => convertCommand('export', args),
  import: (args) => convertCommand('import', args),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`tokenlab: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return 2;
  }
  try {
    await command(args);
    return 0;
  } catch (e) {
    const error = e as Error;
    process.stderr.write(`\ntokenlab ${name}: ${error.message}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${USAGE}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
