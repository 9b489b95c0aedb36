import { startWorker } from './workers.js';

/** The download formats of a vocabulary. */
export type VocabExportFormat = 'json' | 'tiktoken' | 'tokenizer.json';

/**
 * A vocabulary file in `format`, made in a worker thread: tokenizer.json for cl100k_base takes seconds (every
 * token's splits are derived), which the server's thread must not spend. `source` is what loadTokenizer takes:
 * a tiktoken encoding name or the path of a vocabulary file in our JSON.
 */
export function exportVocabularyOffThread(source: string, format: VocabExportFormat): Promise<string> {
  const worker = startWorker('vocab-export-worker', import.meta.url, { source, format });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { text?: string; error?: string }) => {
      void worker.terminate();
      if (m.text !== undefined) resolve(m.text);
      else reject(new Error(m.error));
    });
    worker.once('error', (e) => reject(new Error(`exporting the vocabulary failed: ${e.message}`)));
    worker.once('exit', (code) => reject(new Error(`exporting the vocabulary stopped unexpectedly (exit code ${code})`)));
  });
}
