import type { UserCorpus } from '../store/user-corpora.js';
import { runOneShot } from './one-shot-worker.js';

/**
 * addUserCorpus in a worker thread: checking, measuring and splitting 64 MiB of text takes seconds (strict
 * UTF-8 decoding, per-character statistics), during which the server must keep answering. The store's
 * refusals come back as errors named RangeError, with their messages.
 */
export function addUserCorpusOffThread(name: string, bytes: Uint8Array): Promise<UserCorpus> {
  return runOneShot('add-corpus-worker', import.meta.url, { name, bytes }, 'adding the corpus');
}
