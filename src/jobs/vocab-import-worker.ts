import { parentPort, workerData } from 'node:worker_threads';
import type { PatternName } from '../bpe/patterns.js';
import { saveUserVocabulary } from '../store/user-vocabularies.js';
import { ImportError, readVocabularyBytes, type ImportFormat } from './vocab-import.js';

/** Reads one vocabulary file and saves it, in this worker thread (see vocab-import.ts). */
const { name, bytes, format, pattern } = workerData as { name: string; bytes: Uint8Array; format: ImportFormat; pattern: PatternName };
try {
  await saveUserVocabulary(name, readVocabularyBytes(bytes, format, pattern));
  parentPort!.postMessage({ ok: true });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message, invalid: e instanceof ImportError });
}
