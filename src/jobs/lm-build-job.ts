/**
 * Building an n-gram model in a worker thread (as training does, so the server keeps answering): the worker
 * tokenizes the corpus's train split, counts, estimates, scores the held-out split, and writes the model file;
 * the caller gets progress events and the build's summary.
 */
import type { HeldOutScore } from '../store/user-models.js';
import { startWorkerJob, type WorkerJob } from './workers.js';

export interface LmBuildOptions {
  /** One of the lab's tokenizer names (the worker loads it as the server does). */
  tokenizer: string;
  order: number;
  trainPath: string;
  heldOutPath: string;
  /** Where the model file goes (written atomically). */
  modelPath: string;
  /** For the model file's provenance. */
  corpus: string;
}

/** What the build made, for the model's record. */
export interface LmBuildSummary {
  vocabularySize: number;
  sequences: number;
  tokens: number;
  trainBytes: number;
  ngrams: number[];
  fileBytes: number;
  seconds: number;
  heldOut: HeldOutScore | null;
}

export type LmBuildPhase = 'tokenizing' | 'counting' | 'estimating' | 'scoring' | 'saving';

export type LmBuildEvent =
  | { type: 'progress'; phase: LmBuildPhase; read: number; total: number; sequences: number; tokens: number; seconds: number }
  | { type: 'done'; summary: LmBuildSummary }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };

export type LmBuild = WorkerJob<LmBuildSummary>;

export function startLmBuild(options: LmBuildOptions, onEvent: (e: LmBuildEvent) => void): LmBuild {
  return startWorkerJob<LmBuildEvent, LmBuildSummary>(
    'lm-build-worker',
    import.meta.url,
    { options },
    {
      what: 'the build',
      onEvent,
      done: (e) => (e as Extract<LmBuildEvent, { type: 'done' }>).summary,
      cancelled: () => new Error('the build was cancelled'),
    },
  );
}
