import { parentPort, workerData } from 'node:worker_threads';
import { addUserCorpus } from '../store/user-corpora.js';

/** Adds one user corpus in this worker thread (see add-corpus.ts); the data directory comes with process.env. */
const { name, bytes } = workerData as { name: string; bytes: Uint8Array };
try {
  parentPort!.postMessage({ corpus: await addUserCorpus(name, bytes) });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message, range: e instanceof RangeError });
}
