/**
 * Unigram training's per-word passes (the E step's forward-backward, the pruning's Viterbi) in worker threads:
 * each thread holds the words and takes a contiguous share of the fixed blocks (word-passes.ts), so the model is
 * the same bit for bit with any number of threads. The trainer itself stays on the calling thread.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { blockBounds, passesHere, WORD_BLOCKS, type PassSums, type StartPasses, type WordPasses } from '../bpe/unigram/word-passes.js';
import { startWorker } from './workers.js';

/** Below this many characters of unique words, threads cost more to start than they save. */
const PARALLEL_MIN_CHARS = 1 << 20;

/**
 * Passes in `threads` workers (default: one per core, or this thread for small corpora; 1: this thread).
 * `background` workers run at the lower priority of training jobs (startWorker); a bench that times them against
 * a peer running at normal priority asks for normal ones.
 */
export function unigramPasses(threads?: number, background = true): StartPasses {
  return (words, wordCounts) => {
    const chars = words.reduce((n, w) => n + w.length, 0);
    const n = Math.min(WORD_BLOCKS, threads ?? (chars < PARALLEL_MIN_CHARS ? 1 : availableParallelism()));
    return n <= 1 ? passesHere(words, wordCounts) : new WorkerPasses(words, wordCounts, n, background);
  };
}

class WorkerPasses implements WordPasses {
  private readonly workers: Worker[];
  /** Worker i runs blocks shares[i] .. shares[i + 1] - 1. */
  private readonly shares: number[];

  constructor(words: readonly string[], wordCounts: Float64Array, threads: number, background: boolean) {
    const data = { words, wordCounts, bounds: blockBounds(words) };
    this.workers = Array.from({ length: threads }, () => startWorker('unigram-pass-worker', import.meta.url, data, background));
    this.shares = Array.from({ length: threads + 1 }, (_, i) => Math.round((i * WORD_BLOCKS) / threads));
  }

  async run(task: Parameters<WordPasses['run']>[0]): Promise<PassSums[]> {
    const parts = await Promise.all(this.workers.map((w, i) => ask(w, { task, first: this.shares[i], last: this.shares[i + 1] })));
    return parts.flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Posts one request and waits for the worker's one answer (or its failure). */
function ask(worker: Worker, request: unknown): Promise<PassSums[]> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (sums: PassSums[]) => {
      done();
      resolve(sums);
    };
    const onError = (e: Error) => {
      done();
      reject(e);
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`a unigram pass thread stopped (exit code ${code})`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}
