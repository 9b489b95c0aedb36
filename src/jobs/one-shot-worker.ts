import { parentPort } from 'node:worker_threads';
import { startWorker } from './workers.js';

/** What a one-shot worker posts: its value, or its error's message and name. */
interface Reply<T> {
  value?: T;
  error?: string;
  errorName?: string;
}

/**
 * Runs the compiled worker `name` (beside `from`) once for a value: work that takes seconds of CPU (checking a
 * 64 MiB upload, exporting a large vocabulary) goes there so the server's thread keeps answering. The worker's
 * error comes back as an Error with the same message and name (so callers can tell refusals from faults).
 */
export function runOneShot<T>(name: string, from: string, data: unknown, what: string): Promise<T> {
  const worker = startWorker(name, from, data);
  return new Promise<T>((resolve, reject) => {
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
