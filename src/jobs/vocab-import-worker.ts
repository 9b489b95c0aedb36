import { workerData } from 'node:worker_threads';
import type { PatternName } from '../bpe/pretokenize/patterns.js';
import { saveUserVocabulary } from '../store/user-vocabularies.js';
import { replyWith } from './one-shot-worker.js';
import { ImportError, readVocabularyBytes, type ImportFormat } from './vocab-import.js';
import { assertSafeVocabFile } from '../store/vocab-files.js';

/** Reads one vocabulary file and saves it, in this worker thread (see vocab-import.ts). */
const { name, bytes, format, pattern, from } = workerData as {
  name: string;
  bytes: Uint8Array;
  format: ImportFormat;
  pattern: PatternName;
  from?: string;
};
await replyWith(async () => {
  const vocab = readVocabularyBytes(bytes, format, pattern, from);
  await assertSafeVocabFile(vocab).catch((e: Error) => {
    throw new ImportError(e.message);
  });
  await saveUserVocabulary(name, vocab);
});
