import { workerData } from 'node:worker_threads';
import { Encoder } from '../bpe/encode/encoder.js';
import { SuperBpeEncoder } from '../bpe/encode/superbpe-encoder.js';
import type { VocabFile } from '../bpe/formats/hf-vocab-json.js';
import { UnigramEncoder } from '../bpe/unigram/unigram-encoder.js';
import { loadTokenizer } from '../store/tokenizers.js';
import { findUserVocabulary } from '../store/user-vocabularies.js';
import { readVocabFile } from '../store/vocab-files.js';
import { replyWith } from './one-shot-worker.js';
import type { VocabExportFormat } from './vocab-export.js';
import { exportVocabFile } from './vocab-export-file.js';

/**
 * What `source` (a name the registry knows or a file's path) holds: its engine's vocabulary or model, or, for a
 * Hugging Face pipeline (a model tokenizer is not exported here, see exportVocabularyOffThread; a version 2
 * vocabulary file is), the file as read.
 */
async function fileOf(source: string): Promise<VocabFile> {
  const encoder = (await loadTokenizer(source)).encoder;
  if (encoder instanceof Encoder || encoder instanceof SuperBpeEncoder) return encoder.vocab;
  if (encoder instanceof UnigramEncoder) return encoder.model;
  return readVocabFile(findUserVocabulary(source)?.path ?? source);
}

/** Writes one vocabulary in one format in this worker thread (see vocab-export.ts). */
const { source, format } = workerData as { source: string; format: VocabExportFormat };
await replyWith(async () => exportVocabFile(source, await fileOf(source), format));
