import { workerData } from 'node:worker_threads';
import { addUserCorpus } from '../store/user-corpora.js';
import { replyWith } from './one-shot-worker.js';

/** Adds one user corpus in this worker thread (see add-corpus.ts); the data directory comes with process.env. */
const { name, bytes } = workerData as { name: string; bytes: Uint8Array };
await replyWith(() => addUserCorpus(name, bytes));
