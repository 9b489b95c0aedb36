import { workerData } from 'node:worker_threads';
import { exportTokenizerJson } from '../bpe/formats/tokenizer-json.js';
import { exportTiktokenRanks } from '../bpe/formats/tiktoken-ranks.js';
import { serializeVocabulary } from '../bpe/formats/vocab-json.js';
import { Encoder } from '../bpe/encode/encoder.js';
import { loadTokenizer } from '../store/tokenizers.js';
import { replyWith } from './one-shot-worker.js';
import { pipelineExportError, type VocabExportFormat } from './vocab-export.js';

/** Writes one vocabulary in one format in this worker thread (see vocab-export.ts). */
const { source, format } = workerData as { source: string; format: VocabExportFormat };
await replyWith(async () => {
  const encoder = (await loadTokenizer(source)).encoder;
  // A model tokenizer is not exported here (see exportVocabularyOffThread): none of these formats carries it.
  if (!(encoder instanceof Encoder)) throw pipelineExportError(source);
  const vocab = encoder.vocab;
  return format === 'json' ? serializeVocabulary(vocab) : format === 'tiktoken' ? exportTiktokenRanks(vocab) : exportTokenizerJson(vocab);
});
