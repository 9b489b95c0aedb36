/**
 * Model builds of the LM studio: what a request may ask for (checked here, with the HTTP status of each
 * refusal), and the job runner ('lm' in the job manager) that builds in a worker thread and records the model.
 */
import { jobManager, type JobContext, type JobRecord } from '../jobs/job-manager.js';
import { startLmBuild, type LmBuildEvent } from '../jobs/lm-build-job.js';
import { checkModelName, findUserModel, modelFilePath, saveModelRecord } from '../store/user-models.js';
import { isKnownTokenizer } from '../store/tokenizers.js';
import { RequestError } from './errors.js';
import { checkNotPending } from './pending-jobs.js';
import { splitOf } from './train-jobs.js';

export const MIN_ORDER = 1;
export const MAX_ORDER = 8;
export const DEFAULT_ORDER = 5;

export interface LmBuildParams {
  name: string;
  tokenizer: string;
  corpus: string;
  order: number;
}

export type LmBuildSnapshot = Omit<Extract<LmBuildEvent, { type: 'progress' }>, 'type'>;

/** The name a build gets when the request names none: tokenizer, corpus and order. */
export function defaultModelName(tokenizer: string, corpus: string, order: number): string {
  return `${corpus}.${tokenizer}.${order}`;
}

/** Checks a build request (the JSON of POST /api/lm/build, or the page's form in that shape). */
export async function checkLmBuildParams(body: unknown): Promise<LmBuildParams> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RequestError(400, 'the body must be a JSON object {tokenizer, corpus, order, name?}');
  const b = body as Record<string, unknown>;
  if (typeof b.tokenizer !== 'string' || b.tokenizer === '')
    throw new RequestError(400, '"tokenizer" must be a tokenizer name (see GET /api/tokenizers)');
  if (typeof b.corpus !== 'string' || b.corpus === '') throw new RequestError(400, '"corpus" must be a corpus name (see /corpora)');
  const order = b.order ?? DEFAULT_ORDER;
  if (!(typeof order === 'number' && Number.isInteger(order) && order >= MIN_ORDER && order <= MAX_ORDER))
    throw new RequestError(400, `"order" must be an integer from ${MIN_ORDER} to ${MAX_ORDER}`);
  const name = b.name === undefined || b.name === '' ? defaultModelName(b.tokenizer, b.corpus, order) : b.name;
  if (typeof name !== 'string') throw new RequestError(400, '"name" must be a string: the name of the model to make');
  try {
    checkModelName(name);
  } catch (e) {
    throw new RequestError(
      400,
      `${(e as Error).message}${b.name === undefined || b.name === '' ? ' (the default name; give "name")' : ''}`,
    );
  }
  if (!isKnownTokenizer(b.tokenizer)) throw new RequestError(404, `unknown tokenizer ${JSON.stringify(b.tokenizer)}`);
  await splitOf(b.corpus);
  checkNameFree(name);
  return { name, tokenizer: b.tokenizer, corpus: b.corpus, order };
}

function checkNameFree(name: string): void {
  if (findUserModel(name)) throw new RequestError(409, `a model named ${name} exists: delete it on /lm/${name} or choose another name`);
  checkNotPending('lm', name, 'building a model');
}

/** Runs one build job: the worker writes the model file, then the record makes it listed. */
export async function runLmBuildJob(
  job: Readonly<JobRecord<LmBuildParams, LmBuildSnapshot>>,
  ctx: JobContext<LmBuildSnapshot>,
): Promise<string> {
  const p = job.params;
  const split = await splitOf(p.corpus);
  ctx.signal.throwIfAborted();
  const options = {
    tokenizer: p.tokenizer,
    order: p.order,
    trainPath: split.train,
    heldOutPath: split.heldOut,
    modelPath: modelFilePath(p.name),
    corpus: p.corpus,
  };
  const build = startLmBuild(options, (e) => {
    if (e.type === 'progress') {
      const { type: _, ...snapshot } = e;
      ctx.report(snapshot);
    }
  });
  ctx.signal.addEventListener('abort', () => build.cancel(), { once: true });
  const s = await build.result;
  await saveModelRecord({
    name: p.name,
    tokenizer: p.tokenizer,
    corpus: p.corpus,
    order: p.order,
    builtAt: new Date().toISOString(),
    ...s,
  });
  const bpb = s.heldOut ? `, ${s.heldOut.bitsPerByte.toFixed(3)} bits per byte held out` : '';
  return `saved model ${p.name}: ${s.tokens} tokens counted, ${s.ngrams.reduce((a, b) => a + b, 0)} n-grams${bpb}, built in ${s.seconds.toFixed(1)} s`;
}

/** Checks a build request and submits its job (on disk before this resolves). */
export async function submitLmBuild(body: unknown): Promise<JobRecord<LmBuildParams, LmBuildSnapshot>> {
  const params = await checkLmBuildParams(body);
  const job = lmJobs().submit<LmBuildParams>('lm', params.name, params) as JobRecord<LmBuildParams, LmBuildSnapshot>;
  await lmJobs().persisted(job.id);
  return job;
}

/** The lab's job manager with the 'lm' kind defined. */
export function lmJobs() {
  const jobs = jobManager();
  jobs.define('lm', runLmBuildJob);
  return jobs;
}
