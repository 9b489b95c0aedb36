/**
 * A few long-lived worker threads that answer short tasks (a request's worth of CPU), so the server's event
 * loop only reads requests and writes answers while the work runs on every core. Tasks wait in one queue, in
 * order, and each thread holds at most IN_HAND of them: the next is always at hand, and a task whose caller
 * gave up (its signal aborted: the client went away) leaves the queue without costing a thread anything.
 * A task's error comes back with its name, message and own fields (so a refusal keeps its status); a thread
 * that crashes fails the tasks it held and is replaced. A thread keeps the process alive only while it holds
 * tasks: an idle pool never does, and a task in hand is always answered.
 */
import { parentPort, type Worker, type TransferListItem } from 'node:worker_threads';
import { startWorker } from './workers.js';

/** A task's failure as it crosses threads: the error's name, message and own fields (a status, details). */
export interface TaskError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

interface Reply<R> {
  id: number;
  value?: R;
  error?: TaskError;
}

interface Waiting<T, R> {
  make: () => T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot<R> {
  worker: Worker;
  pending: Map<number, { resolve: (r: R) => void; reject: (e: unknown) => void }>;
}

/**
 * Tasks a thread holds at once: the one it works on and three next, so it never waits for the event loop
 * (under bench:load, 4 gave more requests/s than 1 or 2, and 8 no more than 4).
 */
const IN_HAND = 4;

export class WorkerPool<T, R> {
  private readonly slots: Array<Slot<R> | undefined>;
  private readonly queue: Array<Waiting<T, R>> = [];
  private nextId = 0;

  /**
   * `name`/`from`: the worker module (see startWorker), which calls `serveTasks`; `size`: how many threads;
   * `revive`: turns a TaskError back into the error to reject with.
   */
  constructor(
    private readonly name: string,
    private readonly from: string,
    size: number,
    private readonly revive: (e: TaskError) => unknown,
  ) {
    this.slots = new Array<Slot<R> | undefined>(size).fill(undefined);
  }

  /**
   * Runs `task` when a thread is free, in order of arrival. If `signal` aborts before a thread takes the
   * task, the task is dropped and the promise rejects with the signal's reason.
   */
  run(task: T, signal?: AbortSignal): Promise<R> {
    return this.runMade(() => task, signal);
  }

  /**
   * As run, with the task made by `make` when a thread takes it: what the task holds (a shared answer slot)
   * is held for as short a time as can be, and not at all if the caller gives up first.
   */
  runMade(make: () => T, signal?: AbortSignal): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const waiting: Waiting<T, R> = { make, resolve, reject, signal };
      if (signal !== undefined) {
        waiting.onAbort = () => this.drop(waiting);
        signal.addEventListener('abort', waiting.onAbort, { once: true });
      }
      this.queue.push(waiting);
      this.dispatch();
    });
  }

  /** Tasks waiting for a thread. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Stops every thread; their tasks and the waiting ones fail. */
  async close(): Promise<void> {
    for (const w of this.queue.splice(0)) w.reject(new Error(`the ${this.name} pool closed`));
    await Promise.all(this.slots.map((s) => s?.worker.terminate()));
  }

  private drop(waiting: Waiting<T, R>): void {
    const at = this.queue.indexOf(waiting); // dispatch removes the listener; close() empties the queue
    if (at < 0) return;
    this.queue.splice(at, 1);
    waiting.reject(waiting.signal!.reason);
  }

  /** Hands waiting tasks to the threads with the fewest in hand, up to IN_HAND each. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.leastBusy();
      if (slot.pending.size >= IN_HAND) return;
      const { make, resolve, reject, signal, onAbort } = this.queue.shift()!;
      if (onAbort !== undefined) signal!.removeEventListener('abort', onAbort);
      const id = this.nextId++;
      slot.pending.set(id, { resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage({ id, task: make() });
    }
  }

  private leastBusy(): Slot<R> {
    let best = 0;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (s === undefined) return this.start(i);
      if (s.pending.size < this.slots[best]!.pending.size) best = i;
    }
    return this.slots[best]!;
  }

  private start(i: number): Slot<R> {
    const worker = startWorker(this.name, this.from, null, false); // answers requests: normal priority
    const slot: Slot<R> = { worker, pending: new Map() };
    this.slots[i] = slot;
    worker.on('message', (m: Reply<R>) => {
      const p = slot.pending.get(m.id);
      if (p === undefined) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) slot.worker.unref();
      if (m.error === undefined) p.resolve(m.value as R);
      else p.reject(this.revive(m.error));
      this.dispatch();
    });
    const fail = (why: string) => {
      if (this.slots[i] !== slot) return;
      this.slots[i] = undefined; // waiting tasks go to a new thread
      for (const p of slot.pending.values()) p.reject(new Error(`the ${this.name} thread ${why}`));
      slot.pending.clear();
      this.dispatch();
    };
    worker.on('error', (e) => fail(`failed: ${e.message}`));
    worker.on('exit', (code) => fail(`stopped (exit code ${code})`));
    worker.unref(); // after the listeners, which ref the worker's port
    return slot;
  }
}

/**
 * In a pool's worker: answers each task with `work`'s value (its transfer list moved, not copied) or its
 * error (name, message and own fields, which must be plain data).
 */
export function serveTasks<T, R>(work: (task: T) => Promise<{ value: R; transfer?: TransferListItem[] }>): void {
  parentPort!.on('message', async ({ id, task }: { id: number; task: T }) => {
    try {
      const { value, transfer } = await work(task);
      parentPort!.postMessage({ id, value } satisfies Reply<R>, transfer);
    } catch (e) {
      const err = e as Error;
      parentPort!.postMessage({ id, error: { name: err.name, message: err.message, fields: { ...err } } } satisfies Reply<R>);
    }
  });
}
