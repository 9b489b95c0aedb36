/**
 * A build worker's progress (model builds, ∞-gram index builds): each report first checks whether the job was
 * cancelled (the `stop` flag startWorkerJob shares), then posts at most every PROGRESS_MS unless forced.
 */
const PROGRESS_MS = 100;

/** Thrown by a report once the job is cancelled: the worker then posts 'cancelled'. */
export class Cancelled extends Error {}

export interface Progress<P> {
  /** Checks for cancellation, then sends the phase's progress (always when `force`, else at most every PROGRESS_MS). */
  report(phase: P, force?: boolean): void;
  /** Seconds since the worker started. */
  seconds(): number;
}

export function workerProgress<P>(stop: Int32Array, send: (phase: P, seconds: number) => void): Progress<P> {
  const started = performance.now();
  let last = 0;
  const seconds = () => (performance.now() - started) / 1000;
  return {
    seconds,
    report(phase, force = true) {
      if (Atomics.load(stop, 0) !== 0) throw new Cancelled();
      const now = performance.now();
      if (!force && now - last < PROGRESS_MS) return;
      last = now;
      send(phase, seconds());
    },
  };
}
