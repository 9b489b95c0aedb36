/**
 * Vocabulary files in our JSON format on disk: version 1 (a byte-level vocabulary, encoded by Encoder with
 * tiktoken's rule), version 2 (a Hugging Face pipeline, encoded by HfPipeline) and version 3 (a SuperBPE
 * vocabulary, encoded by SuperBpeEncoder, or a Unigram model, encoded by UnigramEncoder). Every read checks the
 * regexes the file would run (pattern-safety.ts): a file may have been written by hand, or before the check
 * existed.
 */
import { readFile } from 'node:fs/promises';
import { Encoder } from '../bpe/encode/encoder.js';
import { SuperBpeEncoder } from '../bpe/encode/superbpe-encoder.js';
import {
  isHfPipelineFile,
  isUnigramFile,
  parseVocabFile,
  pipelineOf,
  serializeVocabFile,
  type VocabFile,
} from '../bpe/formats/hf-vocab-json.js';
import { parseVocabulary } from '../bpe/formats/vocab-json.js';
import { backtrackingRegexes } from '../bpe/hf/pattern.js';
import { SUPERWORD_PATTERN } from '../bpe/pretokenize/superword-pieces.js';
import type { TokenEncoder } from '../bpe/token-encoder.js';
import { UnigramEncoder } from '../bpe/unigram/unigram-encoder.js';
import type { Vocabulary } from '../bpe/vocabulary.js';
import { assertSafePattern } from './pattern-safety.js';
import { writeFileAtomic } from './atomic-file.js';

/** `make()`, its errors naming the file. */
function naming<T>(path: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads a byte-level vocabulary (version 1, or version 3 SuperBPE); errors name the file. A version 2 file is
 * refused, saying it is a Hugging Face pipeline, and a Unigram model alike: for what needs a byte-level
 * vocabulary (its tokens, merges and ranks).
 */
export async function readVocabularyFile(path: string): Promise<Vocabulary> {
  const text = await readFile(path, 'utf8');
  const vocab = naming(path, () => parseVocabulary(text));
  await assertSafePattern(vocab.pattern);
  return vocab;
}

/** Reads a vocabulary file of any version; errors name the file. */
export async function readVocabFile(path: string): Promise<VocabFile> {
  const text = await readFile(path, 'utf8');
  const file = naming(path, () => parseVocabFile(text));
  await assertSafePatterns(naming(path, () => regexesOf(file)));
  return file;
}

/**
 * The engine a vocabulary file encodes with: an Encoder for version 1, an HfPipeline for version 2, a
 * SuperBpeEncoder or a UnigramEncoder for version 3. Errors name the file (a version 2 file's pipeline refuses
 * by name a part tokenlab does not implement).
 */
export async function readEncoderFile(path: string): Promise<TokenEncoder> {
  const file = await readVocabFile(path);
  return naming(path, () => encoderOf(file));
}

/** The engine that encodes `file` (see readEncoderFile). */
export function encoderOf(file: VocabFile): TokenEncoder {
  if (isHfPipelineFile(file)) return pipelineOf(file);
  if (isUnigramFile(file)) return new UnigramEncoder(file);
  return file.superbpe === undefined ? new Encoder(file) : new SuperBpeEncoder(file);
}

/** The regexes a file runs on V8's backtracking engine (a named pattern runs on its scanner, and is safe). */
function regexesOf(file: VocabFile): string[] {
  if (isHfPipelineFile(file)) return backtrackingRegexes(file.tokenizer);
  if (isUnigramFile(file)) return []; // no regex: words start at spaces
  const stage2 = file.superbpe?.stage2Pattern;
  return stage2 === undefined || stage2 === SUPERWORD_PATTERN ? [file.pattern] : [file.pattern, stage2];
}

async function assertSafePatterns(patterns: readonly string[]): Promise<void> {
  await Promise.all(patterns.map(assertSafePattern));
}

/** Resolves if every regex the file runs is safe (assertSafePattern); else UnsafePatternError. */
export async function assertSafeVocabFile(file: VocabFile): Promise<void> {
  await assertSafePatterns(regexesOf(file));
}

/** Writes a vocabulary file of either version, atomically (a crash leaves the old file or the new one). */
export async function writeVocabularyFile(path: string, file: VocabFile): Promise<void> {
  await writeFileAtomic(path, serializeVocabFile(file));
}
