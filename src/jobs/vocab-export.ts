import { runOneShot } from './one-shot-worker.js';

/** The download formats of a vocabulary. */
export type VocabExportFormat = 'json' | 'tiktoken' | 'tokenizer.json';

/**
 * A vocabulary file in `format`, made in a worker thread: tokenizer.json for cl100k_base takes seconds (every
 * token's splits are derived), which the server's thread must not spend. `source` is what loadTokenizer takes:
 * a name the tokenizer registry knows, or the path of a vocabulary file in our JSON.
 */
export function exportVocabularyOffThread(source: string, format: VocabExportFormat): Promise<string> {
  return runOneShot('vocab-export-worker', import.meta.url, { source, format }, 'exporting the vocabulary');
}
