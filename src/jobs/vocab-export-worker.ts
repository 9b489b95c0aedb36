import { workerData } from 'node:worker_threads';
import { exportTokenizerJson } from '../bpe/formats/tokenizer-json.js';
import { exportTiktokenRanks } from '../bpe/formats/tiktoken-ranks.js';
import { serializeVocabulary } from '../bpe/formats/vocab-json.js';
import { Encoder } from '../bpe/encode/encoder.js';
import { isHfPipelineFile, serializeVocabFile } from '../bpe/formats/hf-vocab-json.js';
import { loadTokenizer } from '../store/tokenizers.js';
import { findUserVocabulary } from '../store/user-vocabularies.js';
import { readVocabFile } from '../store/vocab-files.js';
import { replyWith } from './one-shot-worker.js';
import { pipelineExportError, type VocabExportFormat } from './vocab-export.js';

/** A version 2 vocabulary (`source`: a user vocabulary's name or a file's path) in `format`. */
async function pipelineFile(source: string, format: VocabExportFormat): Promise<string> {
  const path = findUserVocabulary(source)?.path ?? source;
  const file = await readVocabFile(path);
  if (!isHfPipelineFile(file) || format === 'tiktoken') throw pipelineExportError(source);
  return format === 'tokenizer.json' ? JSON.stringify(file.tokenizer) : serializeVocabFile(file);
}

/** Writes one vocabulary in one format in this worker thread (see vocab-export.ts). */
const { source, format } = workerData as { source: string; format: VocabExportFormat };
await replyWith(async () => {
  const encoder = (await loadTokenizer(source)).encoder;
  // A Hugging Face pipeline (a model tokenizer is not exported here, see exportVocabularyOffThread; a version 2
  // vocabulary file is): its own tokenizer.json, or the file as it is.
  if (!(encoder instanceof Encoder)) return pipelineFile(source, format);
  const vocab = encoder.vocab;
  return format === 'json' ? serializeVocabulary(vocab) : format === 'tiktoken' ? exportTiktokenRanks(vocab) : exportTokenizerJson(vocab);
});
