/**
 * Ready on first start: with an empty data directory (no models, no first model ever started) the server builds
 * a model in the background, through the LM studio's build job, over the shipped tokenlab-cjk-32k vocabulary (so
 * Chinese appears as characters) and the corpora that come with npm install (starter-mix). Nothing is downloaded.
 */
import { FINISHED_STATES } from '../jobs/job-manager.js';
import { readFirstModel, saveFirstModel } from '../store/first-model.js';
import { listUserModels } from '../store/user-models.js';
import { lmJobs, submitLmBuild } from './lm-jobs.js';

/** The first model's build: also the LM studio form's defaults. */
export const FIRST_MODEL = { name: 'first-model', tokenizer: 'tokenlab-cjk-32k', corpus: 'starter-mix', order: 4 } as const;

/**
 * Starts the first model's build when the data directory has never had one and holds no model; resolves with
 * its job id, or undefined when there is nothing to do. The record is written before the job is submitted, so a
 * failure never leads to a second attempt.
 */
export async function startFirstModel(): Promise<string | undefined> {
  if (readFirstModel() !== undefined || listUserModels().length > 0) return undefined;
  const startedAt = new Date().toISOString();
  await saveFirstModel({ name: FIRST_MODEL.name, jobId: '', startedAt });
  const job = await submitLmBuild({ ...FIRST_MODEL });
  await saveFirstModel({ name: FIRST_MODEL.name, jobId: job.id, startedAt });
  return job.id;
}

/**
 * What /lm says of the first model: being built (with its job), or built and still among `models`; undefined
 * otherwise. `models` is the list the page shows: a second read could see the model's record the list missed
 * (saved in between, off the main thread), and the page would then show neither the model nor its build.
 */
export function firstModelState(models: readonly { name: string }[]): { name: string; jobId: string; building: boolean } | undefined {
  const record = readFirstModel();
  if (record === undefined) return undefined;
  if (models.some((m) => m.name === record.name)) return { name: record.name, jobId: record.jobId, building: false };
  const job = record.jobId === '' ? undefined : lmJobs().get(record.jobId);
  if (job === undefined || FINISHED_STATES.includes(job.state)) return undefined;
  return { name: record.name, jobId: record.jobId, building: true };
}
