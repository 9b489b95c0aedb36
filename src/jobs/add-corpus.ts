import type { UserCorpus } from '../store/user-corpora.js';
import { startWorker } from './workers.js';

/**
 * addUserCorpus in a worker thread: checking, measuring and splitting 64 MiB of text takes seconds (strict
 * UTF-8 decoding, per-character statistics), during which the server must keep answering. The store's
 * refusals come back as RangeErrors with their messages.
 */
export function addUserCorpusOffThread(name: string, bytes: Uint8Array): Promise<UserCorpus> {
  const worker = startWorker('add-corpus-worker', import.meta.url, { name, bytes });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { corpus?: UserCorpus; error?: string; range?: boolean }) => {
      void worker.terminate();
      if (m.corpus) resolve(m.corpus);
      else reject(m.range ? new RangeError(m.error) : new Error(m.error));
    });
    worker.once('error', (e) => reject(new Error(`adding the corpus failed: ${e.message}`)));
    worker.once('exit', (code) => reject(new Error(`adding the corpus stopped unexpectedly (exit code ${code})`)));
  });
}
