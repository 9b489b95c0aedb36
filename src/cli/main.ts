import { TIKTOKEN_ENCODING_NAMES } from '../bpe/formats/tiktoken-encodings.js';
import { MODEL_TOKENIZER_NAMES } from '../store/model-tokenizers/catalogue.js';
import { SHIPPED_VOCABULARY_NAMES } from '../store/shipped-vocabularies.js';
import { chatCommand } from './chat.js';
import { convertCommand } from './convert.js';
import { corpusCommand } from './corpus.js';
import { decodeCommand, encodeCommand } from './encode.js';
import { evalCommand } from './eval.js';
import { infgramCommand } from './infgram.js';
import { lmCommand } from './lm.js';
import { tokenizersCommand } from './tokenizers.js';
import { trainCommand } from './train.js';
import { closest, errorMessage, UsageError } from './usage.js';
import { packageRoot } from '../store/package-root.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const BUILT_IN_TOKENIZERS = [...TIKTOKEN_ENCODING_NAMES, ...SHIPPED_VOCABULARY_NAMES].join(', ');

const USAGE = `tokenlab: a tokenizer laboratory

  tokenlab train --corpus CORPUS|FILE... --vocab-size N --pattern gpt2|cl100k|o200k|cjk
                 [--special TOKEN,...] [--min-frequency N] [--compat hf] [--threads N] --out FILE [--json]
                 [--algorithm bpe|superbpe|unigram]   (superbpe: [--transition N], no --compat; unigram: no
                 --pattern, --min-frequency or --compat)
  tokenlab export --vocab FILE --format tiktoken|hf --out FILE
  tokenlab import --format tiktoken|hf --in FILE --out FILE [--pattern NAME|REGEX] [--special TOKEN=ID,...]
  tokenlab encode --tokenizer NAME|FILE [--file F | TEXT] [--count] [--json] [--special refuse|allow|text]
  tokenlab decode --tokenizer NAME|FILE [IDS... | --file F]
  tokenlab chat --tokenizer NAME [--file F] [--jsonl] [--add-generation-prompt] [--count | --json] [--format F]
                [--template FILE] [--thinking on|off] [--reasoning-effort E] [--date D]   (tokenlab chat --help for more)
  tokenlab corpus list [--json] | add --name NAME (--file F | TEXT) | remove --name NAME | add-bundled NAME...
  tokenlab tokenizers list [--json] | add NAME... | remove NAME...   (the open-model tokenizers: ${MODEL_TOKENIZER_NAMES.join(', ')})
  tokenlab eval --tokenizers NAME|FILE,... --corpus CORPUS|FILE [--parallel] [--json]   (CORPUS: one of yours or a bundled one, NAME[:train|:heldout])
  tokenlab eval --quality --tokenizers NAME|FILE,... --train CORPUS|FILE --corpus CORPUS|FILE [--json]   (+ 5-gram bits per byte)
  tokenlab lm build --tokenizer NAME|FILE --corpus CORPUS|FILE [--order N] --out MODEL [--json]   (one non-empty line a sequence)
  tokenlab lm build --ids FILE (--kenlm-compat | --tokenizer NAME|FILE) [--order N] --out MODEL [--json]
  tokenlab lm score --model MODEL [--file F | TEXT | --ids FILE] [--per-token] [--json]
  tokenlab lm next --model MODEL [--top K] [--json] [TEXT]
  tokenlab lm sample --model MODEL [PROMPT] [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S] [--json]
  tokenlab lm export-arpa --model MODEL --out FILE
  tokenlab infgram build (--tokenizer NAME|FILE --corpus CORPUS|FILE... | --ids FILE [--tokenizer NAME|FILE]) --out INDEX [--json]
  tokenlab infgram count|next --index INDEX (--ids "1 2 3" | --text T | --queries FILE) [--json]   (FILE: ids a line)
  tokenlab infgram find --index INDEX (--ids "1 2 3" | --text T) [--offset N] [--limit N] [--json]
  tokenlab infgram trace --index INDEX --text T [--min-length N] [--first N] [--json]
  tokenlab infgram score --index INDEX --text T [--model MODEL] [--json]

  NAME is a tokenizer the lab knows: ${BUILT_IN_TOKENIZERS}, a vocabulary trained or imported in the lab
  (under TOKENLAB_DATA), or an open-model tokenizer once added (tokenlab tokenizers add, which fetches it with npm);
  FILE a tokenlab vocabulary.
  encode and decode read standard input when given neither text nor --file, chat when given no --file.
  tokenlab COMMAND --help prints that command's usage; tokenlab --version the version.
`;

const commands: Record<string, (args: string[]) => Promise<void>> = {
  train: trainCommand,
  export: (args) => convertCommand('export', args),
  import: (args) => convertCommand('import', args),
  encode: encodeCommand,
  decode: decodeCommand,
  chat: chatCommand,
  eval: evalCommand,
  corpus: corpusCommand,
  tokenizers: tokenizersCommand,
  lm: lmCommand,
  infgram: infgramCommand,
};

/** The command's own lines of USAGE (with their continuation lines) and the notes after them. */
function commandUsage(name: string): string {
  const [head, notes] = USAGE.split('\n\n').slice(1);
  const lines = head.split('\n');
  const own = lines.filter((line, i) => {
    const start = lines.slice(0, i + 1).findLast((l) => l.startsWith('  tokenlab '));
    return start !== undefined && start.startsWith(`  tokenlab ${name} `);
  });
  return `${own.join('\n')}\n\n${notes}`;
}

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** `tokenlab COMMAND --help` (or -h): the command's usage, unless the command has a help of its own (chat). */
const OWN_HELP = new Set(['chat']);

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`tokenlab ${version()}\n`);
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    const near = closest(name, Object.keys(commands));
    process.stderr.write(
      `tokenlab: unknown command ${JSON.stringify(name)}${near === undefined ? '' : `; did you mean ${near}?`}\n\n${USAGE}`,
    );
    return 2;
  }
  const flags = args.includes('--') ? args.slice(0, args.indexOf('--')) : args; // after --, text
  if ((flags.includes('--help') || flags.includes('-h')) && !OWN_HELP.has(name)) {
    process.stdout.write(commandUsage(name));
    return 0;
  }
  try {
    await command(args);
    return 0;
  } catch (e) {
    const error = e as Error;
    process.stderr.write(`\ntokenlab ${name}: ${errorMessage(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${USAGE}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
