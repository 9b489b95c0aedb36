/**
 * Measuring tokenizers side by side (the lab's quality page) in a worker thread: for each tokenizer in turn,
 * encode a corpus's train split and the held-out text, then measure (quality-measures.ts). Progress carries
 * every finished tokenizer's row, so a page shows the results as they come.
 */
import type { QualityMeasures } from './quality-measures.js';
import { startWorkerJob, type WorkerJob } from './workers.js';

export interface QualityRunOptions {
  /** The lab's tokenizer names (the worker loads each as the server does). */
  tokenizers: string[];
  /** The corpus's train split: the n-gram model of each tokenizer is built on it. */
  trainPath: string;
  /** The held-out text: the corpus's held-out split, or the pasted text when given. */
  heldOutPath: string;
  text: string | null;
}

export type QualityRow = QualityMeasures & { tokenizer: string };

export type QualityPhase = 'encoding' | 'measuring';

export interface QualityProgress {
  phase: QualityPhase;
  /** The tokenizer being measured (null once all are). */
  current: string | null;
  rows: QualityRow[];
  total: number;
  seconds: number;
}

export type QualityEvent =
  | ({ type: 'progress' } & QualityProgress)
  | { type: 'done'; rows: QualityRow[] }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };

export function startQualityRun(options: QualityRunOptions, onEvent: (e: QualityEvent) => void): WorkerJob<QualityRow[]> {
  return startWorkerJob<QualityEvent, QualityRow[]>(
    'quality-worker',
    import.meta.url,
    { options },
    {
      what: 'the measurement',
      onEvent,
      done: (e) => (e as Extract<QualityEvent, { type: 'done' }>).rows,
      cancelled: () => new Error('the measurement was cancelled'),
    },
  );
}
