/**
 * Where tokenizers come from: tiktoken's named encodings (the rank data the `tiktoken` npm package ships, read
 * from node_modules, no network; built lazily, once per process) and vocabulary files in our JSON format.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Encoder } from '../bpe/encode/encoder.js';
import {
  isTiktokenEncodingName,
  TIKTOKEN_ENCODING_NAMES,
  tiktokenEncodingFromJson,
  type TiktokenEncodingJson,
  type TiktokenEncodingName,
} from '../bpe/formats/tiktoken-encodings.js';
import { Tokenizer } from '../bpe/tokenizer.js';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';
import { readVocabularyFile } from './vocab-files.js';

export { TIKTOKEN_ENCODING_NAMES, isTiktokenEncodingName, type TiktokenEncodingName };

const require = createRequire(import.meta.url);
const cache = new Map<TiktokenEncodingName, Tokenizer>();

/** The path of `tiktoken/encoders/<name>.json`. */
export function tiktokenEncodingPath(name: TiktokenEncodingName): string {
  return require.resolve(`tiktoken/encoders/${name}.json`);
}

/** tiktoken's encoding `name` (built on first use, then cached for the process). */
export function tiktokenEncoding(name: TiktokenEncodingName): Tokenizer {
  let t = cache.get(name);
  if (t === undefined) {
    const json = JSON.parse(readFileSync(tiktokenEncodingPath(name), 'utf8')) as TiktokenEncodingJson;
    t = tiktokenEncodingFromJson(name, json);
    cache.set(name, t);
  }
  return t;
}

/**
 * Vocabularies that ship with tokenlab, ready without training: trained by tokenlab on the training splits of
 * the bundled corpora (`npm run default-vocab` remakes them; docs in vocabularies/README.md).
 */
export const SHIPPED_VOCABULARY_NAMES = ['tokenlab-cjk-32k'] as const;

export function shippedVocabularyPath(name: string): string {
  return join(packageRoot(), 'vocabularies', `${name}.json`);
}

/** An unknown tokenizer name or unreadable vocabulary file; the message lists the known names. */
export class UnknownTokenizerError extends Error {
  override name = 'UnknownTokenizerError';
}

function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes('\\') || s.includes('.');
}

/**
 * A tiktoken encoding name (gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base) or the path of a
 * vocabulary file in our JSON format. Vocabulary files are read each call (not cached).
 */
export async function loadTokenizer(nameOrFile: string): Promise<Tokenizer> {
  if (isTiktokenEncodingName(nameOrFile)) return tiktokenEncoding(nameOrFile);
  const names = [...TIKTOKEN_ENCODING_NAMES, ...SHIPPED_VOCABULARY_NAMES].join(', ');
  const known = `known tokenizers: ${names}, or the path of a tokenlab vocabulary file (.json)`;
  const shipped = (SHIPPED_VOCABULARY_NAMES as readonly string[]).includes(nameOrFile);
  let vocab;
  try {
    vocab = await readVocabularyFile(shipped ? shippedVocabularyPath(nameOrFile) : nameOrFile);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' && !looksLikePath(nameOrFile)) {
      throw new UnknownTokenizerError(`unknown tokenizer ${JSON.stringify(nameOrFile)}; ${known}`);
    }
    if (err.code === 'ENOENT') throw new UnknownTokenizerError(`${nameOrFile}: no such file; ${known}`);
    throw e;
  }
  return new Tokenizer(nameOrFile, new Encoder(vocab));
}
