import { Worker } from 'node:worker_threads';

/**
 * Young generation of worker threads, in MB. Training allocates many short-lived strings and match arrays;
 * a small young generation keeps peak memory low and, measured on d2l-mix and bench-mix, costs no time.
 */
const YOUNG_GENERATION_MB = 6;

/**
 * The heap cap of each worker thread in MB, from TOKENLAB_WORKER_HEAP_MB (unset: V8's default, sized from the
 * machine's memory). A worker that reaches it is stopped and its job fails with "out of memory" while the
 * process lives on: set it to keep one runaway training from taking the whole machine.
 */
export function workerHeapLimitMb(): number | undefined {
  const value = process.env.TOKENLAB_WORKER_HEAP_MB;
  if (value === undefined || value === '') return undefined;
  const mb = Number(value);
  if (!Number.isFinite(mb) || mb <= 0) {
    throw new RangeError(`TOKENLAB_WORKER_HEAP_MB must be a positive number of megabytes, not ${JSON.stringify(value)}`);
  }
  return mb;
}

/**
 * Starts the compiled worker module `name` beside `from`. Workers always run the compiled JavaScript in dist/:
 * under vitest the calling module is a .ts source, so its sibling is looked up in dist/ (npm test builds first).
 */
export function startWorker(name: string, from: string, workerData: unknown): Worker {
  const url = new URL(`./${name}.js`, from);
  const compiled = from.endsWith('.ts') ? new URL(url.href.replace('/src/', '/dist/src/')) : url;
  const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: workerHeapLimitMb() };
  return new Worker(compiled, { workerData, resourceLimits });
}
