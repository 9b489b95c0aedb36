/**
 * Building an ∞-gram index in a worker thread (as model builds do, so the server keeps answering): the worker
 * tokenizes the chosen corpora's lines (every line, empty ones too, so index lines are the corpora's lines),
 * builds the suffix array and writes the index file; the caller gets progress events and the build's summary.
 */
import type { InfgramSource } from '../store/user-infgrams.js';
import { startWorkerJob, type WorkerJob } from './workers.js';

export interface InfgramBuildOptions {
  /** One of the lab's tokenizer names (the worker loads it as the server does). */
  tokenizer: string;
  /** The files indexed, in order: each corpus's train split. */
  corpora: Array<{ name: string; path: string }>;
  /** Where the index file goes (written atomically). */
  indexPath: string;
}

/** What the build made, for the index's record. */
export interface InfgramBuildSummary {
  vocabularySize: number;
  corpora: InfgramSource[];
  tokens: number;
  lines: number;
  distinct: number;
  fileBytes: number;
  seconds: number;
  buildSeconds: number;
}

export type InfgramBuildPhase = 'tokenizing' | 'building' | 'saving';

export type InfgramBuildEvent =
  | { type: 'progress'; phase: InfgramBuildPhase; read: number; total: number; lines: number; tokens: number; seconds: number }
  | { type: 'done'; summary: InfgramBuildSummary }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };

export type InfgramBuild = WorkerJob<InfgramBuildSummary>;

export function startInfgramBuild(options: InfgramBuildOptions, onEvent: (e: InfgramBuildEvent) => void): InfgramBuild {
  return startWorkerJob<InfgramBuildEvent, InfgramBuildSummary>(
    'infgram-build-worker',
    import.meta.url,
    { options },
    {
      what: 'the build',
      onEvent,
      done: (e) => (e as Extract<InfgramBuildEvent, { type: 'done' }>).summary,
      cancelled: () => new Error('the build was cancelled'),
    },
  );
}
