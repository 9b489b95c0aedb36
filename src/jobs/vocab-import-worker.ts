import { workerData } from 'node:worker_threads';
import type { PatternName } from '../bpe/pretokenize/patterns.js';
import { saveUserVocabulary } from '../store/user-vocabularies.js';
import { replyWith } from './one-shot-worker.js';
import { ImportError, readVocabularyBytes, type ImportFormat } from './vocab-import.js';
import { assertSafePattern } from '../store/pattern-safety.js';

/** Reads one vocabulary file and saves it, in this worker thread (see vocab-import.ts). */
const { name, bytes, format, pattern } = workerData as { name: string; bytes: Uint8Array; format: ImportFormat; pattern: PatternName };
await replyWith(async () => {
  const vocab = readVocabularyBytes(bytes, format, pattern);
  await assertSafePattern(vocab.pattern).catch((e: Error) => {
    throw new ImportError(e.message);
  });
  await saveUserVocabulary(name, vocab);
});
