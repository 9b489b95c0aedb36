/**
 * A few long-lived worker threads that answer short tasks (a request's worth of CPU), so the server's event
 * loop only reads requests and writes answers while the work runs on every core. Each task goes to the worker
 * with the fewest tasks in hand. A task's error comes back with its name, message and own fields (so a
 * refusal keeps its status); a worker that crashes fails the tasks it held and is replaced on the next task.
 * Workers are unref'd: an idle pool never keeps the process alive.
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

interface Slot<R> {
  worker: Worker;
  pending: Map<number, { resolve: (r: R) => void; reject: (e: unknown) => void }>;
}

export class WorkerPool<T, R> {
  private readonly slots: Array<Slot<R> | undefined>;
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

  /** Runs `task` on the least busy worker. */
  run(task: T): Promise<R> {
    const slot = this.leastBusy();
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, task });
    });
  }

  /** Stops every worker; their tasks fail. */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s?.worker.terminate()));
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
    worker.unref();
    const slot: Slot<R> = { worker, pending: new Map() };
    this.slots[i] = slot;
    worker.on('message', (m: Reply<R>) => {
      const p = slot.pending.get(m.id);
      if (p === undefined) return;
      slot.pending.delete(m.id);
      if (m.error === undefined) p.resolve(m.value as R);
      else p.reject(this.revive(m.error));
    });
    const fail = (why: string) => {
      if (this.slots[i] === slot) this.slots[i] = undefined; // the next task starts a new worker
      for (const p of slot.pending.values()) p.reject(new Error(`the ${this.name} thread ${why}`));
      slot.pending.clear();
    };
    worker.on('error', (e) => fail(`failed: ${e.message}`));
    worker.on('exit', (code) => fail(`stopped (exit code ${code})`));
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
