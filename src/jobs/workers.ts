import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Young generation of worker threads, in MB. Training allocates many short-lived strings and match arrays;
 * a small young generation keeps peak memory low and, measured on d2l-mix and bench-mix, costs no time.
 * Threads that answer requests get a larger one: each 10 kB tokenize request leaves a few hundred kB of
 * garbage, and with 6 MB two tokenize threads scavenged 92 times per 1,000 requests for 51 ms, against 12
 * times for 17 ms with 32 MB (bench:load's requests, --trace-gc).
 */
const YOUNG_GENERATION_MB = { background: 6, requests: 32 };

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

/** The default nice value of background threads: under load, request threads get about nine tenths of a shared core. */
export const BACKGROUND_NICE = 10;

/**
 * The nice value of background threads, from TOKENLAB_BACKGROUND_NICE (0 to 19; unset: BACKGROUND_NICE). Nice 10
 * keeps pages quick, but on a machine busy with other work at nice 0 a background job gets only a few percent of a
 * core (the first model's 2 s build took 21 s beside four busy processes): 0 gives it an equal share.
 */
export function backgroundNice(): number {
  const value = process.env.TOKENLAB_BACKGROUND_NICE;
  if (value === undefined || value === '') return BACKGROUND_NICE;
  const nice = Number(value);
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) {
    throw new RangeError(`TOKENLAB_BACKGROUND_NICE must be a whole number from 0 to 19, not ${JSON.stringify(value)}`);
  }
  return nice;
}

/** This process's thread ids (Linux); empty elsewhere. */
function threadIds(): Set<string> {
  try {
    return new Set(readdirSync('/proc/self/task'));
  } catch {
    return new Set();
  }
}

/**
 * Lowers the priority of the threads in `after` but not in `before` (the one a Worker constructor just
 * started). Linux gives each thread its own nice value; elsewhere, or if refused, nothing changes.
 */
function lowerNewThreads(before: Set<string>, after: Set<string>, nice: number): void {
  for (const tid of after) {
    if (before.has(tid)) continue;
    try {
      setPriority(Number(tid), nice);
    } catch {
      // not allowed here: the thread keeps the normal priority
    }
  }
}

/**
 * Starts the compiled worker module `name` beside `from`. Workers always run the compiled JavaScript in dist/:
 * under vitest the calling module is a .ts source, so its sibling is looked up in dist/ (npm test builds first).
 * A `background` worker (training, model builds, imports: the default) runs at a lower priority than the
 * threads that answer requests (backgroundNice), so pages and the API stay quick while it works; it still gets every
 * idle cycle. Either kind gets its young generation from YOUNG_GENERATION_MB; `heapMb` caps its heap (default: workerHeapLimitMb).
 */
export function startWorker(name: string, from: string, workerData: unknown, background = true, heapMb = workerHeapLimitMb()): Worker {
  const url = new URL(`./${name}.js`, from);
  const compiled = from.endsWith('.ts') ? new URL(url.href.replace('/src/', '/dist/src/')) : url;
  const young = background ? YOUNG_GENERATION_MB.background : YOUNG_GENERATION_MB.requests;
  const resourceLimits = { maxYoungGenerationSizeMb: young, maxOldGenerationSizeMb: heapMb };
  const nice = background ? backgroundNice() : 0;
  const before = nice > 0 ? threadIds() : undefined;
  const worker = new Worker(compiled, { workerData, resourceLimits }); // starts its thread before returning
  if (before !== undefined) lowerNewThreads(before, threadIds(), nice);
  return worker;
}

/** A job running in a worker thread: its outcome, and how to ask it to stop. */
export interface WorkerJob<T> {
  result: Promise<T>;
  cancel(): void;
}

export interface WorkerJobOptions<E, T> {
  /** Names the work in errors ("training failed: ...", "training stopped unexpectedly ..."). */
  what: string;
  /** Every message the worker posts. */
  onEvent: (e: E) => void;
  /** The result carried by the 'done' event. */
  done: (e: E) => T;
  /** The error the result rejects with after a 'cancelled' event. */
  cancelled: () => Error;
}

/**
 * Starts worker `name` (see startWorker) as a cancellable job. The worker gets `stop` (an Int32Array on shared
 * memory it polls; cancel sets it to 1) beside `workerData`, and posts events with a `type`: the result settles
 * on the first 'done', 'cancelled' or 'failed' (with its `message`), or on a crash or exit (an out-of-memory
 * worker fails the job, not the process); the worker is then terminated.
 */
export function startWorkerJob<E extends { type: string }, T>(
  name: string,
  from: string,
  workerData: object,
  options: WorkerJobOptions<E, T>,
): WorkerJob<T> {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = startWorker(name, from, { ...workerData, stop });
  const result = new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (e: E) => {
      options.onEvent(e);
      if (e.type === 'done') settle(() => resolve(options.done(e)));
      else if (e.type === 'cancelled') settle(() => reject(options.cancelled()));
      else if (e.type === 'failed') settle(() => reject(new Error((e as E & { message: string }).message)));
    });
    worker.on('error', (e) => settle(() => reject(new Error(`${options.what} failed: ${e.message}`))));
    worker.on('exit', (code) => settle(() => reject(new Error(`${options.what} stopped unexpectedly (exit code ${code})`))));
  });
  return { result, cancel: () => Atomics.store(stop, 0, 1) };
}
