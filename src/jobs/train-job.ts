import type { TrainProgress } from '../bpe/train/trainer.js';
import type { UnigramProgress } from '../bpe/unigram/unigram-trainer.js';
import type { CurvePoint } from './compression-curve.js';
import type { Trained, TrainFilesOptions } from './train-files.js';
import { startWorkerJob, type WorkerJob } from './workers.js';

export type TrainEvent =
  | { type: 'count'; read: number; total: number; seconds: number }
  | ({ type: 'merge'; seconds: number } & TrainProgress)
  | ({ type: 'unigram'; seconds: number } & UnigramProgress)
  | ({ type: 'curve' } & CurvePoint)
  | { type: 'done'; vocab: Trained }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };

export type TrainJobOptions = Omit<TrainFilesOptions, 'onProgress' | 'onCountProgress' | 'onUnigramProgress' | 'shouldStop'> & {
  /** Held-out text: when given, 'curve' events report bytes per token on it as a BPE vocabulary grows. */
  curveSample?: string;
};

/** The trained vocabulary (rejects with a TrainingCancelled-named error on cancel, or the worker's failure). */
export type TrainJob = WorkerJob<Trained>;

/**
 * Trains in a worker thread, off the caller's event loop (the server keeps answering; the CLI keeps drawing),
 * reporting progress events. A worker that crashes or runs out of memory fails the job, not the process.
 */
export function startTrainJob(paths: readonly string[], options: TrainJobOptions, onEvent: (e: TrainEvent) => void): TrainJob {
  return startWorkerJob<TrainEvent, Trained>(
    'train-worker',
    import.meta.url,
    { paths, options },
    {
      what: 'training',
      onEvent,
      done: (e) => (e as Extract<TrainEvent, { type: 'done' }>).vocab,
      cancelled: () => namedError('TrainingCancelled', 'training was cancelled'),
    },
  );
}

function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}
