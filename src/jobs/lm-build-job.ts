/**
 * Building an n-gram model in a worker thread (as training does, so the server keeps answering): the worker
 * tokenizes the corpus's train split, counts, estimates, scores the held-out split, and writes the model file;
 * the caller gets progress events and the build's summary.
 */
import type { HeldOutScore } from '../store/user-models.js';
import { startWorker } from './workers.js';

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

export interface LmBuild {
  result: Promise<LmBuildSummary>;
  cancel(): void;
}

export function startLmBuild(options: LmBuildOptions, onEvent: (e: LmBuildEvent) => void): LmBuild {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = startWorker('lm-build-worker', import.meta.url, { options, stop });
  const result = new Promise<LmBuildSummary>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (e: LmBuildEvent) => {
      onEvent(e);
      if (e.type === 'done') settle(() => resolve(e.summary));
      else if (e.type === 'cancelled') settle(() => reject(new Error('the build was cancelled')));
      else if (e.type === 'failed') settle(() => reject(new Error(e.message)));
    });
    worker.on('error', (e) => settle(() => reject(new Error(`the build failed: ${e.message}`))));
    worker.on('exit', (code) => settle(() => reject(new Error(`the build stopped unexpectedly (exit code ${code})`))));
  });
  return { result, cancel: () => Atomics.store(stop, 0, 1) };
}
