/**
 * tokenlab lm: build an n-gram model over a tokenizer's tokens (lab mode) or over id files (KenLM-compatible
 * mode), score text, list next tokens, sample, export ARPA. See docs/lm.md.
 */
import { readFile } from 'node:fs/promises';
import type { Tokenizer } from '../bpe/tokenizer.js';
import { modelToArpa } from '../lm/arpa.js';
import { buildModel, START, type LanguageModel } from '../lm/model.js';
import { parseIdLines } from '../lm/ngram-trie.js';
import { nextTokens, scoreSequence, scoreText } from '../lm/query.js';
import { sample } from '../lm/sample.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { readModelFile, writeModelFile } from '../store/lm-files.js';
import { corpusPath } from './corpus-arg.js';
import { tokenizeCorpus } from './corpus-lines.js';
import { parseIds, tokenizerOption, tokenizerRecord } from './encode.js';
import { tokenLabel, tokenText } from './token-label.js';
import { parseOptions, positiveInteger, required, runSubcommand, UsageError } from './usage.js';

const subcommands: Record<string, (args: string[]) => Promise<void>> = {
  build: buildCommand,
  score: scoreCommand,
  next: nextCommand,
  sample: sampleCommand,
  'export-arpa': exportArpaCommand,
};

export async function lmCommand(args: string[]): Promise<void> {
  await runSubcommand('lm', subcommands, args);
}

function print(json: boolean, value: object, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : text);
}

function orderOption(value: string | undefined): number {
  const order = positiveInteger(value, '--order') ?? 5;
  if (order < 1 || order > 8) throw new UsageError(`--order must be 1..8, not ${order}`);
  return order;
}

interface BuildValues {
  tokenizer?: string;
  corpus?: string;
  'kenlm-compat'?: boolean;
}

/** --ids FILE with --kenlm-compat (kenlm mode) or --tokenizer T (lab mode over T's vocabulary). */
async function modelOfIds(file: string, order: number, values: BuildValues): Promise<LanguageModel> {
  if (values.corpus !== undefined) throw new UsageError('give --corpus or --ids, not both');
  if (!!values['kenlm-compat'] === (values.tokenizer !== undefined))
    throw new UsageError('--ids takes --kenlm-compat or --tokenizer T (lab mode over its vocabulary)');
  const sequences = parseIdLines(await readFile(file, 'utf8'));
  const source = { ids: file, sequences: sequences.length };
  if (values['kenlm-compat']) return buildModel(sequences, { order, source });
  const tokenizer = await tokenizerOption(values.tokenizer);
  return buildModel(sequences, { order, vocabularySize: tokenizer.nVocab, tokenizer: tokenizerRecord(values.tokenizer!), source });
}

/** --tokenizer T --corpus C: lab mode, one non-empty line a sequence. */
async function modelOfCorpus(order: number, values: BuildValues): Promise<LanguageModel> {
  if (values['kenlm-compat']) throw new UsageError('--kenlm-compat needs --ids FILE');
  const tokenizer = await tokenizerOption(values.tokenizer);
  const corpus = required(values.corpus, '--corpus');
  const { sequences, bytes } = await tokenizeCorpus(await corpusPath(corpus), tokenizer);
  const tokens = sequences.reduce((s, q) => s + q.length, 0);
  return buildModel(sequences, {
    order,
    vocabularySize: tokenizer.nVocab,
    tokenizer: tokenizerRecord(values.tokenizer!),
    source: { corpus, sequences: sequences.length, tokens, bytes },
  });
}

/**
 * tokenlab lm build --tokenizer T --corpus C [--order N] --out F [--json]
 * tokenlab lm build --ids FILE (--kenlm-compat | --tokenizer T) [--order N] --out F [--json]
 */
async function buildCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    tokenizer: { type: 'string' },
    corpus: { type: 'string' },
    ids: { type: 'string' },
    'kenlm-compat': { type: 'boolean' },
    order: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const order = orderOption(values.order);
  const out = required(values.out, '--out');
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const model = values.ids !== undefined ? await modelOfIds(values.ids, order, values) : await modelOfCorpus(order, values);
  const fileBytes = await writeModelFile(out, model);
  const ngrams = model.ngramCounts;
  const total = ngrams.reduce((a, b) => a + b, 0);
  const summary = {
    out,
    mode: model.info.mode,
    order,
    tokenizer: model.info.tokenizer ?? null,
    ngrams,
    fileBytes,
    bytesPerNgram: fileBytes / total,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSecondsSince(cpuStart),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  print(
    !!values.json,
    summary,
    `${out}: ${model.info.mode} ${order}-gram, ${total} n-grams (${ngrams.join(' / ')}), ` +
      `${fileBytes} bytes (${summary.bytesPerNgram.toFixed(2)} per n-gram), ${summary.seconds.toFixed(2)} s\n`,
  );
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function modelOption(value: string | undefined): Promise<LanguageModel> {
  return readModelFile(required(value, '--model'));
}

/** The tokenizer the model was built with; a kenlm-mode model has none (its input is ids). */
export async function modelTokenizer(model: LanguageModel): Promise<Tokenizer | null> {
  const name = model.info.tokenizer;
  if (name === undefined) return null;
  const tokenizer = await tokenizerOption(name);
  if (tokenizer.nVocab !== model.info.vocabularySize) {
    throw new Error(`the model was built over ${model.info.vocabularySize} token ids, but ${name} now has ${tokenizer.nVocab}`);
  }
  return tokenizer;
}

/** TEXT or --file F. */
async function textInput(file: string | undefined, positionals: string[], what: string): Promise<string> {
  if (file !== undefined && positionals.length > 0) throw new UsageError(`give ${what} or --file, not both`);
  if (file !== undefined) return readFile(file, 'utf8');
  return positionals.join(' ');
}

/** tokenlab lm score --model F [--file F | TEXT | --ids FILE] [--per-token] [--json] */
async function scoreCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, {
    model: { type: 'string' },
    file: { type: 'string' },
    ids: { type: 'string' },
    'per-token': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const model = await modelOption(values.model);
  const tokenizer = await modelTokenizer(model);
  if (values.ids !== undefined) {
    await scoreIds(model, values.ids, !!values.json);
    return;
  }
  if (tokenizer === null) throw new UsageError('this model was built from ids (--kenlm-compat): score it with --ids FILE');
  const text = await textInput(values.file, positionals, 'TEXT');
  const s = scoreText(model, tokenizer, text, values['per-token']);
  const result = {
    tokens: s.tokens,
    sequences: s.sequences,
    bytes: s.bytes,
    log2prob: s.log2prob,
    perplexity: s.perplexity,
    bitsPerByte: s.bitsPerByte,
    ...(s.lines ? { lines: s.lines.map((l) => l.scores.map((t) => ({ id: t.token, log2prob: t.log2prob, order: t.order }))) } : {}),
  };
  print(
    !!values.json,
    result,
    `${s.tokens} tokens in ${s.sequences} sequences, ${s.bytes} bytes: log2 P = ${s.log2prob.toFixed(3)}, ` +
      `perplexity ${s.perplexity.toFixed(3)}, ${s.bitsPerByte.toFixed(4)} bits per byte\n`,
  );
}

/** Scores a file of id lines as KenLM's query does (each line after <s>, with </s>): totals in log10 too. */
async function scoreIds(model: LanguageModel, file: string, json: boolean): Promise<void> {
  const lines = parseIdLines(await readFile(file, 'utf8'));
  let log2prob = 0,
    tokens = 0,
    oov = 0;
  for (const line of lines) {
    const s = scoreSequence(model, line);
    log2prob += s.log2prob;
    tokens += line.length;
    oov += s.oov;
  }
  const perplexity = 2 ** (-log2prob / Math.max(1, tokens + lines.length));
  const result = { sequences: lines.length, tokens, log2prob, log10prob: log2prob * Math.log10(2), perplexity, oov };
  print(
    json,
    result,
    `${tokens} tokens in ${lines.length} sequences: log10 P = ${result.log10prob.toFixed(4)}, perplexity ${perplexity.toFixed(3)}, ${oov} OOV\n`,
  );
}

/** The context a prompt gives: `<s>` then its tokens (the text's, or ids for a kenlm-mode model). */
function promptContext(tokenizer: Tokenizer | null, prompt: string): number[] {
  const tokens = tokenizer === null ? (prompt.trim() === '' ? [] : parseIds(prompt)) : tokenizer.encodeOrdinary(prompt);
  return [START, ...tokens];
}

/** tokenlab lm next --model F [--top K] [--json] [TEXT]: the most probable next tokens after the text. */
async function nextCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, {
    model: { type: 'string' },
    top: { type: 'string' },
    json: { type: 'boolean' },
  });
  const model = await modelOption(values.model);
  const tokenizer = await modelTokenizer(model);
  const context = promptContext(tokenizer, positionals.join(' '));
  const next = nextTokens(model, context, positiveInteger(values.top, '--top') ?? 10);
  const top = next.top.map((t) => ({ id: t.token, text: tokenText(tokenizer, t.token), prob: t.prob }));
  const lines = top.map((t) => `${t.prob.toFixed(6)}\t${tokenLabel(tokenizer, t.id)}\t${t.id}\n`).join('');
  print(!!values.json, { contextTokens: context.length - 1, matched: next.matched, top, unseen: next.unseen }, lines);
}

/** tokenlab lm sample --model F [PROMPT] [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S] [--json] */
async function sampleCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, {
    model: { type: 'string' },
    'max-tokens': { type: 'string' },
    temperature: { type: 'string' },
    'top-k': { type: 'string' },
    'top-p': { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  });
  const model = await modelOption(values.model);
  const tokenizer = await modelTokenizer(model);
  const number = (v: string | undefined, flag: string) => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new UsageError(`${flag} must be a number, not ${JSON.stringify(v)}`);
    return x;
  };
  const seed = positiveInteger(values.seed, '--seed') ?? 0;
  let result;
  try {
    result = sample(model, {
      context: promptContext(tokenizer, positionals.join(' ')),
      maxTokens: positiveInteger(values['max-tokens'], '--max-tokens') ?? 100,
      temperature: number(values.temperature, '--temperature'),
      topK: positiveInteger(values['top-k'], '--top-k'),
      topP: number(values['top-p'], '--top-p'),
      seed,
    });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  // decoded as a whole: a character split over tokens comes out whole
  const text = tokenizer === null ? result.tokens.map((t) => tokenText(null, t)).join(' ') : tokenizer.decode(result.tokens);
  print(!!values.json, { seed, tokens: result.tokens, text, ended: result.ended }, `${text}\n`);
}

/** tokenlab lm export-arpa --model F --out A */
async function exportArpaCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, { model: { type: 'string' }, out: { type: 'string' } });
  const model = await modelOption(values.model);
  await writeFileAtomic(required(values.out, '--out'), modelToArpa(model));
}
