/**
 * The training studio's routes: GET /train (?job=ID shows that job, ?runs=ID&runs=ID draws those finished runs'
 * curves on one chart), POST /train (the form; htmx gets the job's panel or the error as a fragment),
 * GET /fragment/train/:id/events (the panel as server-sent events while the job runs), GET /fragment/train/:id
 * (the panel, polled when the stream fails), POST /fragment/train/:id/cancel, and the JSON POST /api/train ->
 * 202 {job} (fields: see checkTrainParams).
 */
import { Hono, type Context } from 'hono';
import type { JobRecord } from '../jobs/job-manager.js';
import {
  DEFAULT_FORM,
  TrainError,
  TrainJobFragment,
  TrainPage,
  type TrainForm,
  type TrainJob as TrainJobView,
  type TrainLimits,
} from '../../views/train.js';
import type { Follow } from '../../views/job-follow.js';
import { MAX_RUNS } from '../../views/runs-chart.js';
import { TRAIN_ALGORITHMS } from '../jobs/train-files.js';
import { readFormBody, readJsonBody } from './body.js';
import { attempt } from './errors.js';
import { streamJobPanel } from './job-stream.js';
import {
  checkTrainParams,
  MAX_SPECIALS,
  MAX_VOCAB_SIZE,
  TRAIN_PATTERNS,
  trainableCorpora,
  trainJobs,
  type TrainParams,
  type TrainSnapshot,
} from './train-jobs.js';
import { chipToken } from './vocab-bytes.js';

type TrainJob = JobRecord<TrainParams, TrainSnapshot>;

const LIMITS: TrainLimits = {
  maxVocabSize: MAX_VOCAB_SIZE,
  maxSpecials: MAX_SPECIALS,
  patterns: TRAIN_PATTERNS,
  algorithms: TRAIN_ALGORITHMS,
};

/** A training request is a few names and numbers. */
const MAX_TRAIN_BODY_BYTES = 64 * 1024;

/** Starts a job once its record is on disk; a refused request throws its refusal. */
async function submit(body: unknown): Promise<TrainJob> {
  const params = await checkTrainParams(body);
  const job = trainJobs().submit<TrainParams>('train', params.name, params) as TrainJob;
  await trainJobs().persisted(job.id);
  return job;
}

/**
 * The form as a request body: numbers parsed (a blank or non-number field stays a string and is refused); the
 * fields the chosen algorithm does not read are left out (a blank transition: the default).
 */
function requestOf(form: TrainForm): Record<string, unknown> {
  const num = (s: string) => (/^\s*-?\d+\s*$/.test(s) ? Number(s) : s);
  const specials = form.specials.split(/\r?\n/).filter((s) => s !== '');
  const algorithm = form.algorithm === '' ? 'bpe' : form.algorithm;
  return {
    name: form.name.trim(),
    corpora: form.corpora,
    vocabSize: num(form.vocabSize),
    algorithm,
    ...(algorithm === 'superbpe' && form.transition.trim() !== '' && { transition: num(form.transition) }),
    ...(algorithm !== 'unigram' && { pattern: form.pattern, minFrequency: num(form.minFrequency) }),
    specials,
  };
}

async function formOf(c: Context): Promise<TrainForm> {
  const body = await readFormBody(c, MAX_TRAIN_BODY_BYTES);
  const str = (k: keyof TrainForm) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  const corpora = ([] as unknown[]).concat(body.corpora ?? []).filter((x): x is string => typeof x === 'string');
  return {
    name: str('name'),
    corpora,
    vocabSize: str('vocabSize'),
    algorithm: str('algorithm'),
    transition: str('transition'),
    pattern: str('pattern'),
    minFrequency: str('minFrequency'),
    specials: str('specials'),
  };
}

const trainJobList = () => trainJobs().list('train') as TrainJob[];

/** The job as its panel shows it: the tokens of the latest merges (hex in the snapshot) as chips. */
function panelOf(job: TrainJob): TrainJobView {
  const s = job.progress;
  return {
    ...job,
    progress: s && { ...s, latest: s.latest.map((m) => ({ token: chipToken(Buffer.from(m.hex, 'hex')), count: m.count })) },
  };
}

/** The job's panel with the job list beside it. */
const jobFragment = (job: TrainJob, follow?: Follow) => <TrainJobFragment job={panelOf(job)} jobs={trainJobList()} follow={follow} />;

/** Finished runs to offer for the comparison chart, and the curves of those asked for (unknown ids are left out). */
function runsOf(asked: readonly string[]) {
  const done = trainJobList()
    .filter((j) => j.state === 'done')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt)); // oldest first: the order they ran
  const choices = done.map((j) => ({ id: j.id, name: j.name, algorithm: j.params.algorithm ?? 'bpe', vocabSize: j.params.vocabSize }));
  const wanted = new Set(asked.slice(0, MAX_RUNS));
  const chosen = choices.filter((r) => wanted.has(r.id)).map((r) => ({ ...r, curve: trainJob(r.id)?.progress?.curve ?? [] }));
  return { choices, chosen };
}

function trainJob(id: string): TrainJob | undefined {
  const job = trainJobs().get(id);
  return job?.kind === 'train' ? (job as TrainJob) : undefined;
}

export function trainRoutes(): Hono {
  const app = new Hono();

  app.get('/train', async (c) => {
    const id = c.req.query('job');
    const job = id === undefined ? undefined : trainJob(id);
    const error = id !== undefined && job === undefined ? `no training job ${JSON.stringify(id)}` : undefined;
    const page = (
      <TrainPage
        corpora={await trainableCorpora()}
        limits={LIMITS}
        jobs={trainJobList()}
        form={DEFAULT_FORM}
        job={job && panelOf(job)}
        error={error}
        runs={runsOf(c.req.queries('runs') ?? [])}
      />
    );
    return c.html(page, error ? 404 : 200);
  });

  app.post('/train', async (c) => {
    const form = await formOf(c);
    const { result: job, refusal } = await attempt(() => submit(requestOf(form)));
    const htmx = c.req.header('HX-Request') === 'true';
    if (refusal === undefined) {
      if (!htmx) return c.redirect(`/train?job=${encodeURIComponent(job.id)}`, 303);
      c.header('HX-Replace-Url', `/train?job=${encodeURIComponent(job.id)}`);
      return c.html(jobFragment(job));
    }
    // htmx gets the error as a fragment, with its status (htmx 4 swaps it); a plain form post, the page.
    if (htmx) return c.html(<TrainError message={refusal.message} />, refusal.status);
    const page = (
      <TrainPage
        corpora={await trainableCorpora()}
        limits={LIMITS}
        jobs={trainJobList()}
        form={form}
        error={refusal.message}
        runs={runsOf([])}
      />
    );
    return c.html(page, refusal.status);
  });

  app.get('/fragment/train/:id', (c) => {
    const job = trainJob(c.req.param('id'));
    return job ? c.html(jobFragment(job, 'poll')) : c.html(<TrainError message="no such training job" />, 404);
  });

  app.get('/fragment/train/:id/events', (c) => {
    const job = trainJob(c.req.param('id'));
    return job ? streamJobPanel(c, job, (j) => jobFragment(j, 'streamed')) : c.html(<TrainError message="no such training job" />, 404);
  });

  app.post('/fragment/train/:id/cancel', (c) => {
    const job = trainJob(c.req.param('id'));
    if (job === undefined) return c.html(<TrainError message="no such training job" />, 404);
    trainJobs().cancel(job.id);
    return c.html(jobFragment(job));
  });

  app.post('/api/train', async (c) => c.json({ job: await submit(await readJsonBody(c, MAX_TRAIN_BODY_BYTES)) }, 202));

  return app;
}
