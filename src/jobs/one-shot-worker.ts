import { parentPort } from 'node:worker_threads';
import { startWorker } from './workers.js';

/** What a one-shot worker posts: its value, or its error's message and name. */
interface Reply<T> {
  value?: T;
  error?: string;
  errorName?: string;
}

/** Limits for work that may not end by itself (a template the user pasted). */
export interface OneShotLimits {
  /** Stop the worker after this long; the promise rejects with `timeoutError`. */
  timeoutMs: number;
  timeoutError: () => Error;
  /** The worker's heap cap in MB. */
  heapMb: number;
}

/**
 * Runs the compiled worker `name` (beside `from`) once for a value: work that takes seconds of CPU (checking a
 * 64 MiB upload, exporting a large vocabulary) goes there so the server's thread keeps answering. The worker's
 * error comes back as an Error with the same message and name (so callers can tell refusals from faults).
 */
export function runOneShot<T>(name: string, from: string, data: unknown, what: string, limits?: OneShotLimits): Promise<T> {
  const worker = startWorker(name, from, data, true, limits?.heapMb);
  return new Promise<T>((resolve, reject) => {
    const timer =
      limits &&
      setTimeout(() => {
        reject(limits.timeoutError());
        void worker.terminate();
      }, limits.timeoutMs);
    worker.once('exit', () => clearTimeout(timer));
    worker.once('message', (m: Reply<T>) => {
      void worker.terminate();
      if (m.error === undefined) return resolve(m.value as T);
      const e = new Error(m.error);
      e.name = m.errorName ?? 'Error';
      reject(e);
    });
    worker.once('error', (e) => reject(new Error(`${what} failed: ${e.message}`)));
    worker.once('exit', (code) => reject(new Error(`${what} stopped unexpectedly (exit code ${code})`)));
  });
}

/** In a one-shot worker: runs `work` and posts its value or its error to runOneShot. */
export async function replyWith<T>(work: () => Promise<T> | T): Promise<void> {
  let reply: Reply<T>;
  try {
    reply = { value: await work() };
  } catch (e) {
    reply = { error: (e as Error).message, errorName: (e as Error).name };
  }
  parentPort!.postMessage(reply);
}
