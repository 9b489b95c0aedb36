import { parentPort } from 'node:worker_threads';
import { startWorker } from './workers.js';

/** What a one-shot worker posts: that its work starts, then its value, or its error's message and name. */
interface Reply<T> {
  started?: true;
  value?: T;
  error?: string;
  errorName?: string;
}

/** Limits for work that may not end by itself (a template the user pasted). */
export interface OneShotLimits {
  /**
   * Stop the worker when its work has run this long; the promise rejects with `timeoutError`. The clock starts
   * when the work does, not when the thread does: a busy machine can take seconds to boot a worker and load its
   * modules, and that must not fail a template that renders in milliseconds.
   */
  timeoutMs: number;
  timeoutError: () => Error;
  /** The worker's heap cap in MB. */
  heapMb: number;
}

/** How long a limited worker may take to boot and load its modules before its work starts. */
const STARTUP_LIMIT_MS = 60_000;

/**
 * Runs the compiled worker `name` (beside `from`) once for a value: work that takes seconds of CPU (checking a
 * 64 MiB upload, exporting a large vocabulary) goes there so the server's thread keeps answering. The worker's
 * error comes back as an Error with the same message and name (so callers can tell refusals from faults).
 */
export function runOneShot<T>(name: string, from: string, data: unknown, what: string, limits?: OneShotLimits): Promise<T> {
  const worker = startWorker(name, from, data, true, limits?.heapMb);
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const stopAfter = (ms: number, error: () => Error) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        reject(error());
        void worker.terminate();
      }, ms);
    };
    if (limits) stopAfter(STARTUP_LIMIT_MS, () => new Error(`${what} failed: its worker did not start in ${STARTUP_LIMIT_MS / 1000} s`));
    worker.once('exit', () => clearTimeout(timer));
    worker.on('message', (m: Reply<T>) => {
      if (m.started) {
        if (limits) stopAfter(limits.timeoutMs, limits.timeoutError);
        return;
      }
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
  parentPort!.postMessage({ started: true } satisfies Reply<T>);
  let reply: Reply<T>;
  try {
    reply = { value: await work() };
  } catch (e) {
    reply = { error: (e as Error).message, errorName: (e as Error).name };
  }
  parentPort!.postMessage(reply);
}
