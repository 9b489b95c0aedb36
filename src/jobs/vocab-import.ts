/**
 * Importing a vocabulary file (our JSON of any version, tiktoken ranks with a chosen pattern, or
 * tokenizer.json, which keeps its own semantics: see tokenizer-json-import.ts): parsed, validated and saved as
 * a user vocabulary in a worker thread, since a large file takes the better part of a second or more to decode
 * and check, time the server's thread must not spend.
 */
import { SuperBpeEncoder } from '../bpe/encode/superbpe-encoder.js';
import { isHfPipelineFile, isUnigramFile, parseVocabFile, pipelineOf, type VocabFile } from '../bpe/formats/hf-vocab-json.js';
import { importHfTokenizerJson } from '../bpe/formats/tokenizer-json-import.js';
import type { PatternName } from '../bpe/pretokenize/patterns.js';
import { importTiktokenRanks } from '../bpe/formats/tiktoken-ranks.js';
import { runOneShot } from './one-shot-worker.js';

export type ImportFormat = 'auto' | 'json' | 'tiktoken' | 'hf';

/** A file that is not a vocabulary we can read; the message says why. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/**
 * Reads a vocabulary file in our JSON, tiktoken ranks (with the pattern given) or tokenizer.json (named `from`
 * in the version 2 file it may become); validated, a version 2 file's pipeline included.
 */
export function parseVocabularyFile(text: string, format: ImportFormat, pattern: PatternName, from?: string): VocabFile {
  const fmt = format === 'auto' ? detectFormat(text) : format;
  try {
    if (fmt === 'json') return checkedVocabFile(parseVocabFile(text));
    if (fmt === 'hf') return importHfTokenizerJson(text, { at: new Date().toISOString(), ...(from && { from }) }).file;
    return importTiktokenRanks(text, { pattern });
  } catch (e) {
    const what = fmt === 'json' ? 'tokenlab JSON' : fmt === 'hf' ? 'tokenizer.json' : 'tiktoken ranks';
    throw new ImportError(`not a valid ${what} file: ${(e as Error).message}`);
  }
}

/**
 * The file, once its pipeline (version 2) or SuperBPE encoder is built: that refuses by name what tokenlab does
 * not implement, or stage facts that do not fit the vocabulary.
 */
function checkedVocabFile(file: VocabFile): VocabFile {
  if (isHfPipelineFile(file)) pipelineOf(file);
  else if (!isUnigramFile(file) && file.superbpe !== undefined) new SuperBpeEncoder(file);
  return file;
}

function detectFormat(text: string): 'json' | 'tiktoken' | 'hf' {
  if (!text.trimStart().startsWith('{')) return 'tiktoken';
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    if (doc.format === 'tokenlab-vocab') return 'json';
    if (doc.model !== undefined) return 'hf';
  } catch (e) {
    throw new ImportError(`the file starts like JSON but is not: ${(e as Error).message}`);
  }
  throw new ImportError('a JSON file that is neither a tokenlab vocabulary ("format": "tokenlab-vocab") nor a tokenizer.json ("model")');
}

/** Decodes (strict UTF-8) and parses `bytes` (a file named `from`); throws ImportError saying what is wrong. */
export function readVocabularyBytes(bytes: Uint8Array, format: ImportFormat, pattern: PatternName, from?: string): VocabFile {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ImportError('the file is not UTF-8 text: vocabulary files are JSON or tiktoken rank text');
  }
  return parseVocabularyFile(text, format, pattern, from);
}

/**
 * Reads the file (named `from`, if known) and saves it as the user vocabulary `name`, in a worker thread; an
 * error named ImportError for a bad file.
 */
export function importVocabularyOffThread(
  name: string,
  bytes: Uint8Array,
  format: ImportFormat,
  pattern: PatternName,
  from?: string,
): Promise<void> {
  return runOneShot('vocab-import-worker', import.meta.url, { name, bytes, format, pattern, from }, 'importing the vocabulary');
}
