/**
 * tokenlab's vocabulary file, version 2: a Hugging Face pipeline, kept as its tokenizer.json.
 *
 * ```json
 * {
 *   "format": "tokenlab-vocab",
 *   "version": 2,
 *   "engine": "huggingface",
 *   "imported": { "at": "2026-11-28T16:00:00.000Z", "from": "tokenizer.json" },
 *   "tokenizer": { "version": "1.0", "added_tokens": [...], "normalizer": {...}, "model": {...}, ... }
 * }
 * ```
 *
 * - `engine` is "huggingface": the file encodes with HfPipeline (hf/pipeline.ts), token for token with
 *   `tokenizers`, where a version 1 file (vocab-json.ts) encodes with tiktoken's rule.
 * - `tokenizer`: the tokenizer.json object, verbatim. Its parts are checked where an HfPipeline is built from
 *   it (`pipelineOf`), which refuses by name what tokenlab does not implement.
 * - `imported` (optional): when it was imported (`at`, an ISO 8601 time) and from what file (`from`, its name);
 *   kept as written after checking those two fields' types.
 *
 * Unknown top-level fields are refused, as in version 1. A tokenizer.json becomes version 1 instead where
 * tiktoken's rule gives its ids exactly (tokenizer-json-import.ts).
 */
import { HfPipeline } from '../hf/pipeline.js';
import { isObject, type JsonObject } from '../hf/json.js';
import { VocabularyError, type Vocabulary } from '../vocabulary.js';
import type { UnigramModel } from '../unigram/unigram-model.js';
import { isUnigramDocument, serializeUnigramModel, unigramModelOfDocument } from './unigram-json.js';
import {
  parseVocabJson,
  PIPELINE_VERSION,
  serializeVocabulary,
  VOCAB_FORMAT,
  vocabFileVersion,
  vocabularyOfDocument,
} from './vocab-json.js';

const ENGINE = 'huggingface';
const FIELDS = new Set(['format', 'version', 'engine', 'imported', 'tokenizer']);

/** When and from what file a pipeline was imported. */
export interface ImportRecord {
  /** ISO 8601. */
  at: string;
  /** The imported file's name. */
  from?: string;
}

/** A version 2 file: a Hugging Face pipeline. */
export interface HfPipelineFile {
  engine: typeof ENGINE;
  tokenizer: JsonObject;
  imported?: ImportRecord;
}

/**
 * What a tokenlab-vocab file holds: a byte-level Vocabulary (version 1, or version 3 "superbpe"), a Hugging Face
 * pipeline (version 2) or a Unigram model (version 3 "unigram").
 */
export type VocabFile = Vocabulary | HfPipelineFile | UnigramModel;

export function isHfPipelineFile(file: VocabFile): file is HfPipelineFile {
  return 'engine' in file;
}

export function isUnigramFile(file: VocabFile): file is UnigramModel {
  return 'scores' in file;
}

/** The algorithm that made a file's tokens: "bpe", "superbpe", "unigram", or "huggingface" for a pipeline. */
export function algorithmOf(file: VocabFile): 'bpe' | 'superbpe' | 'unigram' | 'huggingface' {
  if (isHfPipelineFile(file)) return 'huggingface';
  if (isUnigramFile(file)) return 'unigram';
  return file.superbpe === undefined ? 'bpe' : 'superbpe';
}

/** The file a pipeline imported from `tokenizer` (a tokenizer.json's parsed JSON) is saved as. */
export function hfPipelineFile(tokenizer: JsonObject, imported?: ImportRecord): HfPipelineFile {
  return imported === undefined ? { engine: ENGINE, tokenizer } : { engine: ENGINE, tokenizer, imported };
}

/** The pipeline a version 2 file encodes with; VocabularyError naming the part it cannot honour exactly. */
export function pipelineOf(file: HfPipelineFile): HfPipeline {
  return new HfPipeline(file.tokenizer);
}

/** A file of any version as tokenlab-vocab JSON (versions 1 and 3 through their own writers). */
export function serializeVocabFile(file: VocabFile): string {
  if (isUnigramFile(file)) return serializeUnigramModel(file);
  if (!isHfPipelineFile(file)) return serializeVocabulary(file);
  const { engine, tokenizer, imported } = file;
  // The tokenizer last: the envelope can be read from the head of a large file.
  return JSON.stringify({ format: VOCAB_FORMAT, version: PIPELINE_VERSION, engine, ...(imported && { imported }), tokenizer });
}

function fail(msg: string): never {
  throw new VocabularyError(`tokenlab-vocab version ${PIPELINE_VERSION}: ${msg}`);
}

/**
 * Parse a tokenlab-vocab document of any version; VocabularyError saying what is wrong (a version 2 file's
 * tokenizer is checked by `pipelineOf`).
 */
export function parseVocabFile(text: string): VocabFile {
  const doc = parseVocabJson(text);
  if (isUnigramDocument(doc)) return unigramModelOfDocument(doc);
  if (vocabFileVersion(doc) !== PIPELINE_VERSION) return vocabularyOfDocument(doc);
  const d = doc as JsonObject;
  for (const k of Object.keys(d)) if (!FIELDS.has(k)) fail(`unknown field ${JSON.stringify(k)}`);
  if (d.engine !== ENGINE) fail(`"engine" is ${JSON.stringify(d.engine ?? null)}, expected ${JSON.stringify(ENGINE)}`);
  if (!isObject(d.tokenizer)) fail('"tokenizer" must be a tokenizer.json object');
  return hfPipelineFile(d.tokenizer, d.imported === undefined ? undefined : importRecord(d.imported));
}

function importRecord(x: unknown): ImportRecord {
  if (!isObject(x) || typeof x.at !== 'string' || (x.from !== undefined && typeof x.from !== 'string')) {
    fail('"imported" must be {"at": string, "from"?: string}');
  }
  return x as unknown as ImportRecord; // kept as written, as version 1 keeps its training record
}
