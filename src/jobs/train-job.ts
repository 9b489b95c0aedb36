import type { TrainProgress } from '../bpe/trainer.js';
import type { Vocabulary } from '../bpe/vocabulary.js';
import type { CurvePoint } from './compression-curve.js';
import type { TrainFilesOptions } from './train-files.js';
import { startWorker } from './workers.js';

export type TrainEvent =
  | { type: 'count'; read: number; total: number; seconds: number }
  | ({ type: 'merge'; seconds: number } & TrainProgress)
  | ({ type: 'curve' } & CurvePoint)
  | { type: 'done'; vocab: Vocabulary }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };

export type TrainJobOptions = Omit<TrainFilesOptions, 'onProgress' | 'onCountProgress' | 'shouldStop'> & {
  /** Held-out text: when given, 'curve' events report bytes per token on it as the vocabulary grows. */
  curveSample?: string;
};

export interface TrainJob {
  /** The trained vocabulary; rejects with TrainingCancelled-named errors on cancel, or the worker's failure. */
  result: Promise<Vocabulary>;
  cancel(): void;
}

/**
 * Trains in a worker thread, off the caller's event loop (the server keeps answering; the CLI keeps drawing),
 * reporting progress events. A worker that crashes or runs out of memory fails the job, not the process.
 */
export function startTrainJob(paths: readonly string[], options: TrainJobOptions, onEvent: (e: TrainEvent) => void): TrainJob {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = startWorker('train-worker', import.meta.url, { paths, options, stop });
  const result = new Promise<Vocabulary>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (e: TrainEvent) => {
      onEvent(e);
      if (e.type === 'done') settle(() => resolve(e.vocab));
      else if (e.type === 'cancelled') settle(() => reject(namedError('TrainingCancelled', 'training was cancelled')));
      else if (e.type === 'failed') settle(() => reject(new Error(e.message)));
    });
    worker.on('error', (e) => settle(() => reject(new Error(`training failed: ${e.message}`))));
    worker.on('exit', (code) => settle(() => reject(new Error(`training stopped unexpectedly (exit code ${code})`))));
  });
  return { result, cancel: () => Atomics.store(stop, 0, 1) };
}

function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}
