/**
 * The tokenizer registry: every tokenizer the lab knows by name, and the one way the server, the jobs and the
 * CLI load one. The names are tiktoken's encodings (built from the rank data the `tiktoken` npm package ships,
 * read from node_modules, no network), the open models' tokenizers the user has added (model-tokenizers/,
 * loaded as Hugging Face pipelines by model-pipelines.ts), the vocabularies tokenlab ships, and the user's
 * vocabularies under the data directory (listed afresh on each call, so one added, saved or deleted shows at
 * once; a version 2 file loads as its Hugging Face pipeline, a version 3 file as SuperBPE or Unigram). A name is only ever
 * looked up in these lists, never taken as a path; the CLI alone may also give a vocabulary file's path
 * (loadTokenizer).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Encoder } from '../bpe/encode/encoder.js';
import {
  isTiktokenEncodingName,
  TIKTOKEN_ENCODING_NAMES,
  tiktokenEncodingFromJson,
  type TiktokenEncodingJson,
  type TiktokenEncodingName,
} from '../bpe/formats/tiktoken-encodings.js';
import { Tokenizer } from '../bpe/tokenizer.js';
import { UnsafePatternError } from './pattern-safety.js';
import { isShippedVocabularyName, SHIPPED_VOCABULARY_NAMES, shippedVocabularyPath } from './shipped-vocabularies.js';
import { cachedTokenizer } from './tokenizer-cache.js';
import { loadModelPipeline, ModelTokenizerNotAddedError } from './model-pipelines.js';
import { MODEL_TOKENIZER_NAMES } from './model-tokenizers/catalogue.js';
import { listModelTokenizers, modelTokenizerFiles } from './model-tokenizers/installed.js';
import { findUserVocabulary, listUserVocabularies } from './user-vocabularies.js';
import { readEncoderFile } from './vocab-files.js';

export interface TokenizerEntry {
  name: string;
  kind: 'tiktoken' | 'model' | 'shipped' | 'user';
}

/**
 * The tokenizers the lab offers: tiktoken's encodings, the added model tokenizers, the vocabularies tokenlab
 * ships, then the user's.
 */
export function listTokenizers(): TokenizerEntry[] {
  return [
    ...TIKTOKEN_ENCODING_NAMES.map((name) => ({ name, kind: 'tiktoken' as const })),
    ...listModelTokenizers()
      .filter((m) => m.installed)
      .map((m) => ({ name: m.name, kind: 'model' as const })),
    ...SHIPPED_VOCABULARY_NAMES.map((name) => ({ name, kind: 'shipped' as const })),
    ...listUserVocabularies().map((v) => ({ name: v.name, kind: 'user' as const })),
  ];
}

export function isKnownTokenizer(name: string): boolean {
  return listTokenizers().some((t) => t.name === name);
}

/** A tokenizer name the registry does not know (or, from the CLI, a vocabulary file that does not exist). */
export class UnknownTokenizerError extends Error {
  override name = 'UnknownTokenizerError';
  constructor(
    readonly tokenizer: string,
    readonly known: readonly string[],
    message = `unknown tokenizer ${JSON.stringify(tokenizer)}; known tokenizers: ${known.join(', ')}`,
  ) {
    super(message);
  }
}

/** A listed vocabulary that cannot be used: its file's split pattern is unsafe (see pattern-safety.ts). */
export class UnusableVocabularyError extends Error {
  override name = 'UnusableVocabularyError';
  constructor(
    readonly tokenizer: string,
    cause: UnsafePatternError,
  ) {
    super(`the vocabulary ${JSON.stringify(tokenizer)} cannot be used: ${cause.message}`, { cause });
  }
}

const require = createRequire(import.meta.url);
const tiktokenEncodings = new Map<TiktokenEncodingName, Tokenizer<Encoder>>();

/** The path of `tiktoken/encoders/<name>.json`. */
export function tiktokenEncodingPath(name: TiktokenEncodingName): string {
  return require.resolve(`tiktoken/encoders/${name}.json`);
}

/** tiktoken's encoding `name` (built on first use, then kept for the process). */
export function tiktokenEncoding(name: TiktokenEncodingName): Tokenizer<Encoder> {
  let t = tiktokenEncodings.get(name);
  if (t === undefined) {
    const json = JSON.parse(readFileSync(tiktokenEncodingPath(name), 'utf8')) as TiktokenEncodingJson;
    t = tiktokenEncodingFromJson(name, json);
    tiktokenEncodings.set(name, t);
  }
  return t;
}

/** The tokenizer of a vocabulary file: version 1 with tiktoken's rule, version 2 as its Hugging Face pipeline, version 3 by its algorithm. */
async function vocabularyTokenizer(name: string, path: string): Promise<Tokenizer> {
  try {
    return new Tokenizer(name, await readEncoderFile(path));
  } catch (e) {
    if (e instanceof UnsafePatternError) throw new UnusableVocabularyError(name, e);
    throw e;
  }
}

/**
 * The tokenizer `name` (one of listTokenizers()), loaded once per process (per version of a user's file).
 * UnknownTokenizerError for a name the registry does not list.
 */
export async function tokenizerByName(name: string): Promise<Tokenizer> {
  if (isTiktokenEncodingName(name)) return tiktokenEncoding(name);
  if (isModelTokenizerName(name)) {
    const files = modelTokenizerFiles(name);
    if (files === undefined) throw new ModelTokenizerNotAddedError(name); // removed since it was kept
    // Kept per version of its file (a catalogue that moves to another version adds another file).
    const version = parseInt(files.sha256.slice(0, 12), 16);
    return cachedTokenizer(name, version, async () => new Tokenizer(name, await loadModelPipeline(name)));
  }
  if (isShippedVocabularyName(name)) return cachedTokenizer(name, 0, () => vocabularyTokenizer(name, shippedVocabularyPath(name)));
  const user = findUserVocabulary(name);
  if (user === undefined)
    throw new UnknownTokenizerError(
      name,
      listTokenizers().map((t) => t.name),
    );
  return cachedTokenizer(name, user.mtimeMs, () => vocabularyTokenizer(name, user.path));
}

/** One of the model tokenizers the lab can add (added or not). */
function isModelTokenizerName(name: string): boolean {
  return (MODEL_TOKENIZER_NAMES as readonly string[]).includes(name);
}

function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes('\\') || s.includes('.');
}

/**
 * What the CLI's `--tokenizer NAME|FILE` takes: a name the registry knows (tokenizerByName), else the path of
 * a vocabulary file in our JSON format, any version (read on each call, not kept).
 */
export async function loadTokenizer(nameOrFile: string): Promise<Tokenizer> {
  const known = listTokenizers().map((t) => t.name);
  if (known.includes(nameOrFile) || isModelTokenizerName(nameOrFile)) return tokenizerByName(nameOrFile);
  let encoder;
  try {
    encoder = await readEncoderFile(nameOrFile);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const hint = `known tokenizers: ${known.join(', ')}, or the path of a tokenlab vocabulary file (.json)`;
    const message = looksLikePath(nameOrFile)
      ? `${nameOrFile}: no such file; ${hint}`
      : `unknown tokenizer ${JSON.stringify(nameOrFile)}; ${hint}`;
    throw new UnknownTokenizerError(nameOrFile, known, message);
  }
  return new Tokenizer(nameOrFile, encoder);
}
