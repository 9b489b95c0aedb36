/**
 * The user's language models under the data directory: `<data>/models/NAME.tlm` (the binary model file of
 * src/lm/model-file.ts, written by the build worker) and `NAME.json` (the record: tokenizer, corpus, order,
 * sizes, build time, held-out score). The record is written last, so a model exists once its record does; a
 * model file without a record (a build stopped between the two writes) is not listed and a rebuild replaces it.
 * Loaded models are cached in memory, keyed by the model file's mtime, so a rebuilt model is read again.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LanguageModel } from '../lm/model.js';
import { writeFileAtomic } from './atomic-file.js';
import { checkName, dataDir, filesIn } from './data-dir.js';
import { readModelFile } from './lm-files.js';

/** The held-out split of the corpus scored by the model (one non-empty line a sequence). */
export interface HeldOutScore {
  bytes: number;
  sequences: number;
  tokens: number;
  log2prob: number;
  bitsPerByte: number;
  /** Per token, `</s>` counted as a token (as KenLM does). */
  perplexity: number;
}

export interface ModelRecord {
  name: string;
  tokenizer: string;
  /** The tokenizer's vocabulary size: the model spreads probability over all of its ids (lab mode). */
  vocabularySize: number;
  corpus: string;
  order: number;
  /** Train split: non-empty lines (sequences), their tokens and the split's bytes. */
  sequences: number;
  tokens: number;
  trainBytes: number;
  /** N-grams stored per order. */
  ngrams: number[];
  fileBytes: number;
  builtAt: string;
  seconds: number;
  /** null when the corpus has no held-out lines. */
  heldOut: HeldOutScore | null;
}

export function modelsDir(): string {
  return join(dataDir(), 'models');
}

export function checkModelName(name: string): string {
  return checkName(name, 'model');
}

/** Where the model file of `name` goes (the build worker writes it). */
export function modelFilePath(name: string): string {
  mkdirSync(modelsDir(), { recursive: true });
  return join(modelsDir(), `${checkModelName(name)}.tlm`);
}

function recordPath(name: string): string {
  return join(modelsDir(), `${checkModelName(name)}.json`);
}

/** Records the model whose file the worker wrote: from now on it is listed. */
export async function saveModelRecord(record: ModelRecord): Promise<void> {
  await writeFileAtomic(recordPath(record.name), JSON.stringify(record, null, 2) + '\n');
}

/** Every model with a record, by name. */
export function listUserModels(): ModelRecord[] {
  return filesIn(modelsDir(), '.json')
    .filter((f) => !f.startsWith('.'))
    .map((f) => JSON.parse(readFileSync(join(modelsDir(), f), 'utf8')) as ModelRecord);
}

export function findUserModel(name: string): ModelRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordPath(name), 'utf8')) as ModelRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof RangeError) return undefined;
    throw e;
  }
}

/** Loaded models by name: the file's mtime they were read at and the model. */
const loaded = new Map<string, { mtimeMs: number; model: Promise<LanguageModel> }>();

/** The model `name` (which must have a record), read once per version of its file. */
export function loadUserModel(name: string): Promise<LanguageModel> {
  const path = modelFilePath(name);
  const mtimeMs = statSync(path).mtimeMs;
  const cached = loaded.get(path);
  if (cached !== undefined && cached.mtimeMs === mtimeMs) return cached.model;
  const model = readModelFile(path);
  model.catch(() => loaded.delete(path));
  loaded.set(path, { mtimeMs, model });
  return model;
}

/** Deletes the record first (the model stops being listed), then the file; false when there was none. */
export async function deleteUserModel(name: string): Promise<boolean> {
  if (findUserModel(name) === undefined) return false;
  await rm(recordPath(name), { force: true });
  const path = modelFilePath(name);
  loaded.delete(path);
  await rm(path, { force: true });
  return true;
}
