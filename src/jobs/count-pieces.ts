import type { Worker } from 'node:worker_threads';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { PieceCounter, type CountOptions } from '../bpe/train/piece-counter.js';
import type { PatternName } from '../bpe/pretokenize/patterns.js';
import { mergePieceCounts, type PieceCounts } from '../bpe/train/piece-counts.js';
import { TrainingCancelled } from '../bpe/train/trainer.js';
import { textChunks, type ReadStats, type TextChunk } from '../store/text-chunks.js';
import { startWorker } from './workers.js';

export interface CountFilesOptions extends CountOptions {
  pattern: PatternName;
  /**
   * Worker threads; 1 counts on the calling thread. Default: one per core for inputs of PARALLEL_MIN_BYTES or
   * more, else 1 (for small inputs a worker costs more memory than it saves time).
   */
  threads?: number;
  onBytes?: (read: number, total: number) => void;
  shouldStop?: () => boolean;
  /** Characters per chunk (default 1 Mi); tests make it small to put many cuts in little text. */
  chunkChars?: number;
}

export interface CountedFiles extends ReadStats {
  counts: PieceCounts;
  cutPieces: number;
  files: Array<{ name: string; bytes: number }>;
  threads: number;
}

const CHUNK_CHARS = 1 << 20;
const PARALLEL_MIN_BYTES = 16 << 20;
const IN_FLIGHT_PER_WORKER = 2;

/**
 * Counts the unique pieces of UTF-8 files, streaming them in chunks (memory holds the counts, not the text).
 * The result does not depend on the number of threads: chunks end at piece boundaries and counts are sums.
 */
export async function countFilePieces(paths: readonly string[], options: CountFilesOptions): Promise<CountedFiles> {
  const files = await Promise.all(paths.map(async (name) => ({ name, bytes: (await stat(name)).size })));
  const total = files.reduce((s, f) => s + f.bytes, 0);
  const threads = Math.max(1, options.threads ?? (total < PARALLEL_MIN_BYTES ? 1 : availableParallelism()));
  const stats: ReadStats = { bytes: 0, invalidUtf8: 0 };
  const chunks = textChunks(paths, options.perLine ? 'line' : 'piece', options.chunkChars ?? CHUNK_CHARS, stats);
  const progress = () => {
    if (options.shouldStop?.()) throw new TrainingCancelled();
    options.onBytes?.(stats.bytes, total);
  };
  const counted = threads === 1 ? await countHere(chunks, options, progress) : await countInWorkers(chunks, options, threads, progress);
  return { ...stats, ...counted, files, threads };
}

type Counted = { counts: PieceCounts; cutPieces: number };

async function countHere(chunks: AsyncIterable<TextChunk>, options: CountFilesOptions, progress: () => void): Promise<Counted> {
  const counter = new PieceCounter(options.pattern, options);
  for await (const chunk of chunks) {
    counter.add(chunk.text, chunk.end);
    progress();
  }
  return { counts: counter.result(), cutPieces: counter.cutPieces };
}

async function countInWorkers(
  chunks: AsyncIterable<TextChunk>,
  options: CountFilesOptions,
  threads: number,
  progress: () => void,
): Promise<Counted> {
  const workerOptions: CountOptions = { perLine: options.perLine, maxPieceBytes: options.maxPieceBytes };
  const workers = Array.from(
    { length: threads },
    () => new CountWorker(startWorker('count-worker', import.meta.url, { pattern: options.pattern, options: workerOptions })),
  );
  try {
    let next = 0;
    for await (const chunk of chunks) {
      // Round robin with a bounded queue per worker: reading never runs far ahead of counting.
      const worker = workers[next++ % threads];
      await worker.send(chunk);
      progress();
    }
    const results = await Promise.all(workers.map((w) => w.finish()));
    return {
      counts: mergePieceCounts(results.map((r) => r.counts)),
      cutPieces: results.reduce((s, r) => s + r.cutPieces, 0),
    };
  } finally {
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}

/** One counting worker with a bounded number of chunks in flight; a worker's error rejects the waiting call. */
class CountWorker {
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private resultWaiter: { resolve: (r: Counted) => void; reject: (e: Error) => void } | undefined;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: { type: 'counted' } | ({ type: 'result' } & Counted)) => {
      if (m.type === 'counted') {
        this.inFlight--;
        this.wake?.();
      } else {
        this.resultWaiter?.resolve({ counts: m.counts, cutPieces: m.cutPieces });
      }
    });
    const fail = (e: Error) => {
      this.failure = e;
      this.wake?.();
      this.resultWaiter?.reject(e);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a counting worker stopped unexpectedly (exit code ${code})`)));
  }

  async send(chunk: TextChunk): Promise<void> {
    while (this.inFlight >= IN_FLIGHT_PER_WORKER && !this.failure) await new Promise<void>((r) => (this.wake = r));
    if (this.failure) throw this.failure;
    this.inFlight++;
    this.worker.postMessage({ type: 'chunk', chunk });
  }

  finish(): Promise<Counted> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.resultWaiter = { resolve, reject };
      this.worker.postMessage({ type: 'finish' });
    });
  }
}
