import { Worker } from 'node:worker_threads';

/**
 * Young generation of worker threads, in MB. Training allocates many short-lived strings and match arrays;
 * a small young generation keeps peak memory low and, measured on d2l-mix and bench-mix, costs no time.
 */
const YOUNG_GENERATION_MB = 6;

/**
 * Starts the compiled worker module `name` beside `from`. Workers always run the compiled JavaScript in dist/:
 * under vitest the calling module is a .ts source, so its sibling is looked up in dist/ (npm test builds first).
 */
export function startWorker(name: string, from: string, workerData: unknown): Worker {
  const url = new URL(`./${name}.js`, from);
  const compiled = from.endsWith('.ts') ? new URL(url.href.replace('/src/', '/dist/src/')) : url;
  return new Worker(compiled, { workerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
}
