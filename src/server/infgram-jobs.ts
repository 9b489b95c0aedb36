/**
 * ∞-gram index builds of the LM studio: what a request may ask for (checked here, with the HTTP status of each
 * refusal), and the job runner ('infgram' in the job manager, beside the model builds' 'lm') that builds in a
 * worker thread and records the index.
 */
import { stat } from 'node:fs/promises';
import { jobManager, type JobContext, type JobRecord } from '../jobs/job-manager.js';
import { startInfgramBuild, type InfgramBuildEvent } from '../jobs/infgram-build-job.js';
import { isKnownTokenizer } from '../store/tokenizers.js';
import { checkInfgramName, findUserInfgram, infgramFilePath, saveInfgramRecord } from '../store/user-infgrams.js';
import { RequestError } from './errors.js';
import { checkNotPending } from './pending-jobs.js';
import { MAX_TRAIN_CORPORA, splitOf } from './train-jobs.js';

/**
 * The most train-split bytes one index takes: the build holds about 9 bytes per token in memory, and the index
 * at most 2^27 tokens (see docs/infgram.md, "Limits"); 128 MiB of text is well under both.
 */
export const MAX_INFGRAM_BYTES = 128 * 2 ** 20;

export interface InfgramBuildParams {
  name: string;
  tokenizer: string;
  corpora: string[];
}

export type InfgramBuildSnapshot = Omit<Extract<InfgramBuildEvent, { type: 'progress' }>, 'type'>;

/** The name a build gets when the request names none: corpora and tokenizer. */
export function defaultInfgramName(tokenizer: string, corpora: readonly string[]): string {
  return `${corpora.join('-')}.${tokenizer}`;
}

/** Checks a build request (the JSON of POST /api/infgram/build, or the page's form in that shape). */
export async function checkInfgramBuildParams(body: unknown): Promise<InfgramBuildParams> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RequestError(400, 'the body must be a JSON object {tokenizer, corpora, name?}');
  const b = body as Record<string, unknown>;
  if (typeof b.tokenizer !== 'string' || b.tokenizer === '')
    throw new RequestError(400, '"tokenizer" must be a tokenizer name (see GET /api/tokenizers)');
  const listed = b.corpora;
  if (!Array.isArray(listed) || listed.length === 0 || !listed.every((c) => typeof c === 'string' && c !== ''))
    throw new RequestError(400, '"corpora" must be a non-empty list of corpus names (see /corpora)');
  if (listed.length > MAX_TRAIN_CORPORA) throw new RequestError(400, `at most ${MAX_TRAIN_CORPORA} corpora`);
  const corpora = [...new Set(listed as string[])];
  const unnamed = b.name === undefined || b.name === '';
  const name = unnamed ? defaultInfgramName(b.tokenizer, corpora) : b.name;
  if (typeof name !== 'string') throw new RequestError(400, '"name" must be a string: the name of the index to make');
  try {
    checkInfgramName(name);
  } catch (e) {
    throw new RequestError(400, `${(e as Error).message}${unnamed ? ' (the default name; give "name")' : ''}`);
  }
  if (!isKnownTokenizer(b.tokenizer)) throw new RequestError(404, `unknown tokenizer ${JSON.stringify(b.tokenizer)}`);
  let bytes = 0;
  for (const c of corpora) bytes += (await stat((await splitOf(c)).train)).size;
  if (bytes > MAX_INFGRAM_BYTES)
    throw new RequestError(400, `the corpora's train splits are ${bytes} bytes; an index takes at most ${MAX_INFGRAM_BYTES}`);
  if (findUserInfgram(name))
    throw new RequestError(409, `an index named ${name} exists: delete it on /lm/infgram/${name} or choose another name`);
  checkNotPending('infgram', name, 'building an index');
  return { name, tokenizer: b.tokenizer, corpora };
}

/** Runs one build job: the worker writes the index file, then the record makes it listed. */
export async function runInfgramBuildJob(
  job: Readonly<JobRecord<InfgramBuildParams, InfgramBuildSnapshot>>,
  ctx: JobContext<InfgramBuildSnapshot>,
): Promise<string> {
  const p = job.params;
  const corpora = await Promise.all(p.corpora.map(async (name) => ({ name, path: (await splitOf(name)).train })));
  ctx.signal.throwIfAborted();
  const build = startInfgramBuild({ tokenizer: p.tokenizer, corpora, indexPath: infgramFilePath(p.name) }, (e) => {
    if (e.type === 'progress') {
      const { type: _, ...snapshot } = e;
      ctx.report(snapshot);
    }
  });
  ctx.signal.addEventListener('abort', () => build.cancel(), { once: true });
  const s = await build.result;
  await saveInfgramRecord({
    name: p.name,
    tokenizer: p.tokenizer,
    builtAt: new Date().toISOString(),
    bytesPerToken: s.fileBytes / Math.max(1, s.tokens),
    ...s,
  });
  return `saved index ${p.name}: ${s.tokens} tokens in ${s.lines} lines, ${s.fileBytes} bytes, built in ${s.seconds.toFixed(1)} s`;
}

/** The lab's job manager with the 'infgram' kind defined. */
export function infgramJobs() {
  const jobs = jobManager();
  jobs.define('infgram', runInfgramBuildJob);
  return jobs;
}
