/**
 * tokenlab infgram: the unbounded-n index (infini-gram; docs/infgram.md): build it from a corpus or id lines, then
 * count, next, find, trace and score against it.
 */
import { resolve } from 'node:path';
import { buildInfiniGram } from '../lm/infgram/build.js';
import type { InfiniGramInfo } from '../lm/infgram/index.js';
import { parseIdLines } from '../lm/ngram-trie.js';
import { writeInfiniGramFile } from '../store/infgram-files.js';
import { corpusPath } from './corpus-arg.js';
import { tokenizeCorpus } from './corpus-lines.js';
import { tokenizerOption, tokenizerRecord, unknownId, unknownIdError } from './encode.js';
import { readArgFile } from './infgram-input.js';
import { countCommand, findCommand, nextCommand } from './infgram-lookups.js';
import { scoreCommand } from './infgram-score.js';
import { traceCommand } from './infgram-trace.js';
import { bar, ProgressLine } from './progress.js';
import { parseOptions, required, runSubcommand, UsageError } from './usage.js';

const subcommands: Record<string, (args: string[]) => Promise<void>> = {
  build: buildCommand,
  count: countCommand,
  next: nextCommand,
  find: findCommand,
  trace: traceCommand,
  score: scoreCommand,
};

export async function infgramCommand(args: string[]): Promise<void> {
  await runSubcommand('infgram', subcommands, args);
}

interface Lines {
  lines: Uint32Array[];
  info: InfiniGramInfo;
}

interface BuildValues {
  tokenizer?: string;
  corpus?: string[];
  ids?: string;
}

/** --tokenizer T --corpus C...: every line of each corpus in turn, empty ones kept (line numbers stay the files'). */
async function linesOfCorpora(values: BuildValues, named: string[], progress?: ProgressLine): Promise<Lines> {
  if (named.length === 0) throw new UsageError('give --tokenizer NAME --corpus C... or --ids FILE');
  const tokenizer = await tokenizerOption(values.tokenizer);
  const paths = await Promise.all(named.map(corpusPath));
  const lines: Uint32Array[] = [];
  for (const [i, path] of paths.entries()) {
    const { sequences } = await tokenizeCorpus(path, tokenizer, {
      keepEmptyLines: true,
      onProgress: (done) => progress?.status(`tokenizing ${named[i]} ${bar(done)}`),
    });
    for (const s of sequences) lines.push(s);
  }
  const info = { tokenizer: tokenizerRecord(values.tokenizer!), source: named.join(', '), files: paths.map((p) => resolve(p)) };
  return { lines, info };
}

/** --ids FILE [--tokenizer T]: one document a line; without a tokenizer the index answers ids only. */
async function linesOfIds(file: string, values: BuildValues, named: string[]): Promise<Lines> {
  if (named.length > 0) throw new UsageError('give --corpus or --ids, not both');
  const text = await readArgFile(file, '--ids');
  let lines: Uint32Array[];
  try {
    lines = parseIdLines(text);
  } catch (e) {
    throw new UsageError(`--ids ${file}: ${(e as Error).message}`);
  }
  if (values.tokenizer === undefined) return { lines, info: { tokenizer: '', source: file } };
  const tokenizer = await tokenizerOption(values.tokenizer);
  for (const line of lines) {
    const bad = unknownId(tokenizer, line);
    if (bad !== undefined) throw unknownIdError(tokenizer, bad);
  }
  return { lines, info: { tokenizer: tokenizerRecord(values.tokenizer), source: file } };
}

/**
 * tokenlab infgram build (--tokenizer NAME --corpus C... | --ids FILE [--tokenizer NAME]) --out X.tli [--json]
 * {"out", "tokenizer", "source", "tokens", "lines", "fileBytes", "bytesPerToken", "seconds", "tokensPerSecond"}
 */
async function buildCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, {
    tokenizer: { type: 'string' },
    corpus: { type: 'string', multiple: true },
    ids: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const out = required(values.out, '--out');
  const named = [...(values.corpus ?? []), ...positionals];
  const started = performance.now();
  const progress = process.stderr.isTTY && !values.json ? new ProgressLine(process.stderr) : undefined;
  const { lines, info } =
    values.ids !== undefined ? await linesOfIds(values.ids, values, named) : await linesOfCorpora(values, named, progress);
  progress?.status('building the suffix array', true);
  const index = buildInfiniGram(lines, info);
  progress?.status(`writing ${out}`, true);
  const fileBytes = await writeInfiniGramFile(out, index);
  progress?.end();
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    out,
    tokenizer: info.tokenizer,
    source: info.source,
    tokens: index.tokenCount,
    lines: index.lineCount,
    fileBytes,
    bytesPerToken: index.tokenCount === 0 ? 0 : fileBytes / index.tokenCount,
    seconds,
    tokensPerSecond: index.tokenCount / seconds,
  };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(summary)}\n`
      : `${out}: ${summary.tokens} tokens in ${summary.lines} lines, ${fileBytes} bytes (${summary.bytesPerToken.toFixed(2)} bytes per token), ` +
          `${seconds.toFixed(2)} s (${Math.round(summary.tokensPerSecond)} tokens/s)\n`,
  );
}
