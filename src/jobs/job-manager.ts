/**
 * Background jobs of any kind (training a vocabulary, building a language model): a queue with a limit on
 * running and waiting jobs, records persisted under `<data dir>/jobs/ID.json` (written atomically, so a restart
 * finds each job as it was last saved), progress snapshots with subscribers (for server-sent events and
 * polling), and cancellation through an AbortSignal.
 *
 * A job kind is defined once with `define(kind, runner)`; the runner does the work (usually in a worker
 * thread) and reports progress. The manager knows nothing of what the params or progress mean: they are
 * JSON values the runner and the pages agree on.
 *
 * After a restart, jobs that were running or queued are marked "interrupted": their work is lost (a worker
 * thread dies with the process) and they are not restarted on their own.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-file.js';
import { dataDir } from '../store/data-dir.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export const FINISHED_STATES: readonly JobState[] = ['done', 'failed', 'cancelled', 'interrupted'];

export interface JobRecord<P = unknown, S = unknown> {
  id: string;
  /** What runs it: a kind given to `define` ('train', 'lm', ...). */
  kind: string;
  /** What the job makes (a vocabulary's or model's name). */
  name: string;
  params: P;
  state: JobState;
  /** The runner's latest progress snapshot (null before the first). */
  progress: S | null;
  /** A line for people: what happened (the error of a failed job, what a finished one saved). */
  message: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobContext<S> {
  /** Replaces the job's progress snapshot and tells subscribers. */
  report(progress: S): void;
  /** Aborted when the job is cancelled: the runner should stop and reject (any rejection then counts as cancelled). */
  signal: AbortSignal;
}

/** Does a job's work; resolves with the message to show when it is done. */
export type JobRunner<P = unknown, S = unknown> = (job: Readonly<JobRecord<P, S>>, context: JobContext<S>) => Promise<string>;

export type JobListener = (job: JobRecord) => void;

export interface JobManagerOptions {
  /** Where the records live (default `<data dir>/jobs`). */
  dir?: string;
  /** Jobs running at once (default 1: the machine has two cores and a job uses one or more). */
  maxRunning?: number;
  /** Jobs waiting behind the running ones (default 4); more are refused with QueueFullError. */
  maxQueued?: number;
  /** Finished records kept (default 100); older ones are deleted. */
  keepFinished?: number;
}

/** The queue is full: the HTTP layer answers 429. */
export class QueueFullError extends Error {
  override name = 'QueueFullError';
}

/** A job kind nobody defined. */
export class UnknownJobKindError extends Error {
  override name = 'UnknownJobKindError';
}

/** Progress is saved at most this often (state changes are saved at once). */
const PROGRESS_SAVE_MS = 2000;

export class JobManager {
  readonly dir: string;
  readonly maxRunning: number;
  readonly maxQueued: number;
  private readonly keepFinished: number;
  private readonly jobs = new Map<string, JobRecord>();
  // Each kind's runner has its own params and snapshot types; define() is where they are checked.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly runners = new Map<string, JobRunner<any, any>>();
  private readonly aborts = new Map<string, AbortController>();
  private readonly listeners = new Map<string, Set<JobListener>>();
  /** Per-job chain of writes, so an older snapshot never lands after a newer one. */
  private readonly writes = new Map<string, Promise<void>>();
  private readonly savedAt = new Map<string, number>();
  private idle: Promise<void> = Promise.resolve();

  constructor(options: JobManagerOptions = {}) {
    this.dir = options.dir ?? join(dataDir(), 'jobs');
    this.maxRunning = options.maxRunning ?? 1;
    this.maxQueued = options.maxQueued ?? 4;
    this.keepFinished = options.keepFinished ?? 100;
    this.recover();
  }

  /** Defines (or redefines) how jobs of `kind` run. */
  define<P, S>(kind: string, runner: JobRunner<P, S>): void {
    this.runners.set(kind, runner);
    this.startQueued();
  }

  /** Queues a job; throws QueueFullError when maxQueued jobs already wait, UnknownJobKindError for an undefined kind. */
  submit<P>(kind: string, name: string, params: P): JobRecord<P> {
    if (!this.runners.has(kind)) throw new UnknownJobKindError(`no job kind ${JSON.stringify(kind)}`);
    const queued = this.list().filter((j) => j.state === 'queued').length;
    const running = this.list().filter((j) => j.state === 'running').length;
    if (running >= this.maxRunning && queued >= this.maxQueued) {
      throw new QueueFullError(
        `too many jobs: ${running} running and ${queued} queued (the limit is ${this.maxRunning} running and ${this.maxQueued} queued); wait for one to finish or cancel one`,
      );
    }
    const job: JobRecord<P> = {
      id: `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
      kind,
      name,
      params,
      state: 'queued',
      progress: null,
      message: 'waiting for a free slot',
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    this.jobs.set(job.id, job);
    this.save(job);
    this.startQueued();
    return job;
  }

  /** Resolves when the job's record, as it is now, is on disk: answer a request only then, so a crash cannot lose it. */
  async persisted(id: string): Promise<void> {
    await this.writes.get(id);
  }

  /** Every job, newest first (optionally of one kind). */
  list(kind?: string): JobRecord[] {
    // Newest last in the map (submission order); a stable sort keeps that order among equal timestamps.
    const all = [...this.jobs.values()].filter((j) => kind === undefined || j.kind === kind).reverse();
    return all.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  /** Cancels a queued or running job (a finished one is left as it is); undefined for an unknown id. */
  cancel(id: string): JobRecord | undefined {
    const job = this.jobs.get(id);
    if (job === undefined) return undefined;
    if (job.state === 'queued') this.finish(job, 'cancelled', 'cancelled before it started');
    else if (job.state === 'running') this.aborts.get(id)?.abort();
    return job;
  }

  /** Calls `listener` with the job after each change; returns the unsubscribe function. */
  subscribe(id: string, listener: JobListener): () => void {
    let set = this.listeners.get(id);
    if (set === undefined) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.listeners.delete(id);
    };
  }

  /** Resolves when no job is running or queued and every record is on disk (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.list().some((j) => j.state === 'running' || j.state === 'queued')) await this.idle;
    await Promise.all(this.writes.values());
  }

  private recover(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const f of readdirSync(this.dir).sort()) {
      if (!f.endsWith('.json') || f.startsWith('.')) continue;
      let job: JobRecord;
      try {
        job = JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as JobRecord;
      } catch {
        continue; // not a record of ours (atomic writes never leave half a record)
      }
      this.jobs.set(job.id, job);
      if (job.state === 'running' || job.state === 'queued') {
        this.finish(job, 'interrupted', `the server stopped while this job was ${job.state}; start it again`);
      }
    }
  }

  private startQueued(): void {
    const waiting = this.list()
      .filter((j) => j.state === 'queued' && this.runners.has(j.kind))
      .reverse();
    let running = this.list().filter((j) => j.state === 'running').length;
    for (const job of waiting) {
      if (running >= this.maxRunning) break;
      running++;
      this.idle = this.run(job);
    }
  }

  private async run(job: JobRecord): Promise<void> {
    const abort = new AbortController();
    this.aborts.set(job.id, abort);
    job.state = 'running';
    job.startedAt = new Date().toISOString();
    job.message = 'running';
    this.changed(job, true);
    const context: JobContext<unknown> = {
      report: (progress) => {
        if (job.state !== 'running') return;
        job.progress = progress;
        this.changed(job, Date.now() - (this.savedAt.get(job.id) ?? 0) >= PROGRESS_SAVE_MS);
      },
      signal: abort.signal,
    };
    try {
      const message = await this.runners.get(job.kind)!(job, context);
      this.finish(job, 'done', message);
    } catch (e) {
      if (abort.signal.aborted) this.finish(job, 'cancelled', 'cancelled');
      else this.finish(job, 'failed', (e as Error).message ?? String(e));
    } finally {
      this.aborts.delete(job.id);
    }
    this.startQueued();
  }

  private finish(job: JobRecord, state: JobState, message: string): void {
    job.state = state;
    job.message = message;
    job.finishedAt = new Date().toISOString();
    this.changed(job, true);
    this.prune();
  }

  private changed(job: JobRecord, save: boolean): void {
    if (save) this.save(job);
    for (const l of this.listeners.get(job.id) ?? []) l(job);
  }

  private save(job: JobRecord): void {
    this.savedAt.set(job.id, Date.now());
    const json = JSON.stringify(job, null, 2) + '\n';
    const previous = this.writes.get(job.id) ?? Promise.resolve();
    const next = previous
      .then(() => writeFileAtomic(join(this.dir, `${job.id}.json`), json))
      .catch((e: Error) => {
        console.error(`job ${job.id}: could not save its record: ${e.message}`);
      });
    this.writes.set(job.id, next);
  }

  /** Deletes the oldest finished records beyond keepFinished. */
  private prune(): void {
    const finished = this.list().filter((j) => FINISHED_STATES.includes(j.state));
    for (const job of finished.slice(this.keepFinished)) {
      this.jobs.delete(job.id);
      const write = this.writes.get(job.id) ?? Promise.resolve();
      this.writes.set(
        job.id,
        write.then(() => rm(join(this.dir, `${job.id}.json`), { force: true })),
      );
    }
  }
}

let shared: JobManager | undefined;

/** The process's job manager for the current data directory (made on first use, remade if TOKENLAB_DATA changes). */
export function jobManager(): JobManager {
  const dir = join(dataDir(), 'jobs');
  if (shared === undefined || shared.dir !== dir) shared = new JobManager({ dir });
  return shared;
}
