import { workerData } from 'node:worker_threads';
import type { PatternName } from '../bpe/patterns.js';
import { saveUserVocabulary } from '../store/user-vocabularies.js';
import { replyWith } from './one-shot-worker.js';
import { readVocabularyBytes, type ImportFormat } from './vocab-import.js';

/** Reads one vocabulary file and saves it, in this worker thread (see vocab-import.ts). */
const { name, bytes, format, pattern } = workerData as { name: string; bytes: Uint8Array; format: ImportFormat; pattern: PatternName };
await replyWith(async () => {
  await saveUserVocabulary(name, readVocabularyBytes(bytes, format, pattern));
});
