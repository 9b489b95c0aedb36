/**
 * Adding open-model tokenizers from the lab: each add is a background job ('model-tokenizer' in the job
 * manager, named after the tokenizer) whose progress is the add's (src/store/model-tokenizers/add-remove.ts),
 * and what the pages offer for each model tokenizer not installed.
 */
import { FINISHED_STATES, jobManager, type JobContext, type JobRecord } from '../jobs/job-manager.js';
import { addModelTokenizer, removeModelTokenizer } from '../store/model-tokenizers/add-remove.js';
import type { AddProgress } from '../store/npm-data/add.js';
import { modelTokenizerDef } from '../store/model-tokenizers/catalogue.js';
import { isInstalled, listModelTokenizers } from '../store/model-tokenizers/installed.js';
import type { ModelOffer } from '../../views/model-tokenizers.js';

export const MODEL_TOKENIZER_JOB = 'model-tokenizer';

type AddJob = JobRecord<{ name: string }, AddProgress>;

async function runAddJob(job: Readonly<AddJob>, ctx: JobContext<AddProgress>): Promise<string> {
  const def = modelTokenizerDef(job.params.name);
  const { added } = await addModelTokenizer(def.name, (p) => ctx.report(p), { signal: ctx.signal });
  return added ? `added ${def.name} (${def.package}@${def.version})` : `${def.name} was already installed`;
}

/** The lab's job manager with the 'model-tokenizer' kind defined. */
export function modelTokenizerJobs() {
  const jobs = jobManager();
  jobs.define(MODEL_TOKENIZER_JOB, runAddJob);
  return jobs;
}

const isActive = (job: JobRecord) => !FINISHED_STATES.includes(job.state);

/** The newest add job of `name`, if the lab ran one. */
export function latestAddJob(name: string): AddJob | undefined {
  return modelTokenizerJobs()
    .list(MODEL_TOKENIZER_JOB)
    .find((j) => j.name === name) as AddJob | undefined;
}

/**
 * Starts adding the model tokenizer `name` (its record on disk before this answers): the job, the one
 * already waiting or running for it, or undefined when it is installed. UnknownModelTokenizerError for a
 * name the catalogue lacks; QueueFullError when too many jobs wait.
 */
export async function startModelTokenizerAdd(name: string): Promise<AddJob | undefined> {
  const def = modelTokenizerDef(name);
  if (isInstalled(def)) return undefined;
  const latest = latestAddJob(def.name);
  if (latest !== undefined && isActive(latest)) return latest;
  const jobs = modelTokenizerJobs();
  const job = jobs.submit(MODEL_TOKENIZER_JOB, def.name, { name: def.name }) as AddJob;
  await jobs.persisted(job.id);
  return job;
}

/** Cancels the adds of `name` waiting or running, then removes it. */
export async function removeModelTokenizerFromLab(name: string): Promise<{ removed: boolean }> {
  const def = modelTokenizerDef(name);
  const jobs = modelTokenizerJobs();
  for (const job of jobs.list(MODEL_TOKENIZER_JOB)) if (job.name === def.name && isActive(job)) jobs.cancel(job.id);
  return removeModelTokenizer(def.name);
}

/** What the page offers for the model tokenizer `name` (UnknownModelTokenizerError if there is none). */
export function modelOffer(name: string): ModelOffer {
  const def = modelTokenizerDef(name);
  const job = latestAddJob(def.name);
  const common = {
    name: def.name,
    description: def.description,
    downloadBytes: def.downloadBytes,
    licence: def.licence,
    source: `${def.package}@${def.version}`,
  };
  if (isInstalled(def)) return { ...common, state: 'installed', progress: null, message: '' };
  if (job !== undefined && isActive(job)) {
    const message = job.state === 'queued' ? 'another job is running; this add starts when it ends' : job.message;
    return { ...common, state: job.state === 'queued' ? 'queued' : 'running', progress: job.progress, message };
  }
  const failed = job !== undefined && job.state !== 'done' ? `the last add ${job.state}: ${job.message}` : '';
  return { ...common, state: 'offered', progress: null, message: failed };
}

/** The offers of the model tokenizers not installed, in catalogue order. */
export function modelOffers(): ModelOffer[] {
  return listModelTokenizers()
    .filter((t) => !t.installed)
    .map((t) => modelOffer(t.name));
}
