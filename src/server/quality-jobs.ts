/**
 * The quality comparison (/compare/quality, POST /api/quality): what a request may ask for (checked here, with
 * the HTTP status of each refusal) and the job runner ('quality' in the job manager) that measures in a worker
 * thread; the rows are the job's progress snapshot, so GET /api/jobs/:id gives them as they come.
 */
import { jobManager, type JobContext, type JobRecord } from '../jobs/job-manager.js';
import { startQualityRun, type QualityProgress } from '../jobs/quality-job.js';
import { isKnownTokenizer } from '../store/tokenizers.js';
import { RequestError } from './errors.js';
import { checkTextSize } from './limits.js';
import { splitOf } from './train-jobs.js';

/** Tokenizers measured in one job: each is encoded over the whole train split, so a few at a time. */
export const MAX_MEASURED = 6;

export interface QualityParams {
  tokenizers: string[];
  /** Its train split builds each n-gram model; its held-out split is measured unless `text` is given. */
  corpus: string;
  /** Pasted text to measure instead of the held-out split (null: the split). */
  text: string | null;
}

export type QualityJob = JobRecord<QualityParams, QualityProgress>;

/** Checks a request (the JSON of POST /api/quality, or the page's form in that shape). */
export async function checkQualityParams(body: unknown): Promise<QualityParams> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RequestError(400, 'the body must be a JSON object {tokenizers, corpus, text?}');
  const b = body as Record<string, unknown>;
  if (b.text !== undefined && b.text !== null && typeof b.text !== 'string') throw new RequestError(400, '"text" must be a string');
  const text = typeof b.text === 'string' && b.text.trim() !== '' ? b.text : null;
  if (text !== null) checkTextSize(text);
  if (typeof b.corpus !== 'string' || b.corpus === '') throw new RequestError(400, '"corpus" must be a corpus name (see /corpora)');
  await splitOf(b.corpus);
  const list = b.tokenizers;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_MEASURED || !list.every((t) => typeof t === 'string' && t !== ''))
    throw new RequestError(400, `"tokenizers" must list 1 to ${MAX_MEASURED} tokenizer names (see GET /api/tokenizers)`);
  const tokenizers = [...new Set(list as string[])];
  for (const t of tokenizers) if (!isKnownTokenizer(t)) throw new RequestError(404, `unknown tokenizer ${JSON.stringify(t)}`);
  return { tokenizers, corpus: b.corpus, text };
}

/** Queues a comparison; its name says what is measured on what. */
export function submitQuality(params: QualityParams): QualityJob {
  const on = params.text === null ? `${params.corpus} held out` : 'pasted text';
  return qualityJobs().submit<QualityParams>('quality', `${params.tokenizers.join(', ')} on ${on}`, params) as QualityJob;
}

/** The job of that id, if it is a comparison. */
export function qualityJob(id: string): QualityJob | undefined {
  const job = qualityJobs().get(id);
  return job?.kind === 'quality' ? (job as QualityJob) : undefined;
}

async function runQualityJob(job: Readonly<QualityJob>, ctx: JobContext<QualityProgress>): Promise<string> {
  const p = job.params;
  const split = await splitOf(p.corpus);
  ctx.signal.throwIfAborted();
  let seconds = 0;
  const run = startQualityRun({ tokenizers: p.tokenizers, trainPath: split.train, heldOutPath: split.heldOut, text: p.text }, (e) => {
    if (e.type === 'progress') {
      const { type: _, ...snapshot } = e;
      seconds = snapshot.seconds;
      ctx.report(snapshot);
    }
  });
  ctx.signal.addEventListener('abort', () => run.cancel(), { once: true });
  const rows = await run.result;
  ctx.report({ phase: 'measuring', current: null, rows, total: p.tokenizers.length, seconds });
  return `measured ${rows.length} tokenizer${rows.length === 1 ? '' : 's'}`;
}

/** The lab's job manager with the 'quality' kind defined. */
export function qualityJobs() {
  const jobs = jobManager();
  jobs.define('quality', runQualityJob);
  return jobs;
}
