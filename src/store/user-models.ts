/**
 * The user's language models under the data directory: `<data>/models/NAME.tlm` (the binary model file of
 * src/lm/model-file.ts, written by the build worker) and `NAME.json` (the record: tokenizer, corpus, order,
 * sizes, build time, held-out score), kept as src/store/recorded-files.ts keeps things: the record written last,
 * loaded models cached by the file's mtime.
 */
import type { LanguageModel } from '../lm/model.js';
import { readModelFile } from './lm-files.js';
import { recordedFiles } from './recorded-files.js';

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

const models = recordedFiles<ModelRecord, LanguageModel>('models', '.tlm', 'model', readModelFile);

export const modelsDir = models.dir;
export const checkModelName = models.checkName;
/** Where the model file of `name` goes (the build worker writes it). */
export const modelFilePath = models.filePath;
/** Records the model whose file the worker wrote: from now on it is listed. */
export const saveModelRecord = models.save;
/** Every model with a record, by name. */
export const listUserModels = models.list;
export const findUserModel = models.find;
/** The model `name` (which must have a record), read once per version of its file. */
export const loadUserModel = models.load;
/** Deletes the record first (the model stops being listed), then the file; false when there was none. */
export const deleteUserModel = models.remove;
