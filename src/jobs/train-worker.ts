import { parentPort, workerData } from 'node:worker_threads';
import { TrainingCancelled } from '../bpe/train/trainer.js';
import { CompressionCurve, finishedPoint } from './compression-curve.js';
import { trainByAlgorithm } from './train-files.js';
import type { TrainEvent, TrainJobOptions } from './train-job.js';

/** Runs one training in this worker thread, posting progress (at most every PROGRESS_MS) and the result. */
const PROGRESS_MS = 100;
const { paths, options, stop } = workerData as { paths: string[]; options: TrainJobOptions; stop: Int32Array };
const { curveSample, ...trainOptions } = options;
// The curve re-encodes with the merges so far: BPE's rule, so for BPE only; the others get their finished point.
const curve = curveSample && (options.algorithm ?? 'bpe') === 'bpe' ? new CompressionCurve(curveSample, options.pattern) : undefined;
const port = parentPort!;
const post = (event: TrainEvent) => port.postMessage(event);
const started = performance.now();
let last = 0;
const due = () => {
  const now = performance.now();
  if (now - last < PROGRESS_MS) return false;
  last = now;
  return true;
};
const seconds = () => (performance.now() - started) / 1000;

try {
  const vocab = await trainByAlgorithm(paths, {
    ...trainOptions,
    shouldStop: () => Atomics.load(stop, 0) !== 0,
    onCountProgress: (read, total) => {
      if (due()) post({ type: 'count', read, total, seconds: seconds() });
    },
    onProgress: (p) => {
      if (p.merges === p.total || due()) post({ type: 'merge', ...p, seconds: seconds() });
      const point = curve?.add(p);
      if (point) post({ type: 'curve', ...point });
    },
    onUnigramProgress: (p) => post({ type: 'unigram', ...p, seconds: seconds() }),
  });
  const last = curve ? curve.finish() : curveSample ? finishedPoint(vocab, curveSample) : undefined;
  if (last) post({ type: 'curve', ...last });
  post({ type: 'done', vocab });
} catch (e) {
  post(e instanceof TrainingCancelled ? { type: 'cancelled' } : { type: 'failed', message: (e as Error).message });
}
