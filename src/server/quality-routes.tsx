/**
 * The quality comparison's routes: GET /compare/quality (?job=ID shows a comparison, ?tokenizers=&corpus= fill
 * the form), POST /compare/quality (the form; htmx gets the job's panel or the refusal as a fragment), the
 * panel's stream (/fragment/quality-job/ID/events) and fragment (polled when the stream fails) and its cancel,
 * and POST /api/quality (JSON; the rows come in GET /api/jobs/:id).
 */
import { Hono, type Context } from 'hono';
import { QualityError, QualityJobFragment, QualityPage, type QualityForm, type QualityJobView } from '../../views/quality.js';
import { readFormBody, readJsonBody } from './body.js';
import { chooserChoices } from './choosers.js';
import { attempt, type RequestError } from './errors.js';
import { streamJobPanel } from './job-stream.js';
import { checkQualityParams, MAX_MEASURED, qualityJob, qualityJobs, submitQuality, type QualityJob } from './quality-jobs.js';
import { MAX_TEXT_BYTES } from './limits.js';
import { trainableCorpora } from './train-jobs.js';

/** A request is a few names and at most MAX_TEXT_BYTES of pasted text (a form escapes some of it). */
const MAX_BODY_BYTES = 3 * MAX_TEXT_BYTES + 64 * 1024;

const DEFAULT_FORM: QualityForm = { tokenizers: ['cl100k_base', 'o200k_base'], corpus: 'ts-messages-zh-en', text: '' };

const view = (job: QualityJob) => job as unknown as QualityJobView;

async function page(
  c: Context,
  props: { form?: QualityForm; job?: QualityJob; error?: string },
  status: RequestError['status'] | 200 = 200,
) {
  const corpora = await trainableCorpora();
  return c.html(
    <QualityPage
      tokenizers={chooserChoices().tokenizers}
      corpora={corpora}
      maxTokenizers={MAX_MEASURED}
      form={props.form ?? DEFAULT_FORM}
      job={props.job && view(props.job)}
      error={props.error}
    />,
    status,
  );
}

/** The form's fields in the API's shape. */
async function formOf(c: Context): Promise<QualityForm> {
  const f = await readFormBody(c, MAX_BODY_BYTES);
  const list = ([] as unknown[]).concat(f.tokenizers ?? []).filter((t): t is string => typeof t === 'string');
  const text = (x: unknown) => (typeof x === 'string' ? x : '');
  return { tokenizers: list, corpus: text(f.corpus), text: text(f.text) };
}

export function qualityRoutes(): Hono {
  const app = new Hono();

  app.get('/compare/quality', async (c) => {
    const id = c.req.query('job');
    const job = id === undefined ? undefined : qualityJob(id);
    if (id !== undefined && job === undefined) return page(c, { error: `no comparison ${JSON.stringify(id)}` }, 404);
    const asked = c.req.queries('tokenizers');
    const form = job
      ? { tokenizers: job.params.tokenizers, corpus: job.params.corpus, text: job.params.text ?? '' }
      : { ...DEFAULT_FORM, ...(asked && { tokenizers: asked }), corpus: c.req.query('corpus') ?? DEFAULT_FORM.corpus };
    return page(c, { form, job });
  });

  app.post('/compare/quality', async (c) => {
    const form = await formOf(c);
    const htmx = c.req.header('HX-Request') === 'true';
    const { result: job, refusal } = await attempt(async () => submitQuality(await checkQualityParams(form)));
    if (refusal !== undefined) {
      // htmx gets the error as a fragment, with its status (htmx 4 swaps it); a plain form post, the page.
      if (htmx) return c.html(<QualityError message={refusal.message} />, refusal.status);
      return page(c, { form, error: refusal.message }, refusal.status);
    }
    await qualityJobs().persisted(job.id);
    if (!htmx) return c.redirect(`/compare/quality?job=${encodeURIComponent(job.id)}`, 303);
    c.header('HX-Replace-Url', `/compare/quality?job=${encodeURIComponent(job.id)}`);
    return c.html(<QualityJobFragment job={view(job)} />);
  });

  app.get('/fragment/quality-job/:id', (c) => {
    const job = qualityJob(c.req.param('id'));
    return job
      ? c.html(<QualityJobFragment job={view(job)} oob follow="poll" />)
      : c.html(<QualityError message="no such comparison" />, 404);
  });

  app.get('/fragment/quality-job/:id/events', (c) => {
    const job = qualityJob(c.req.param('id'));
    if (job === undefined) return c.html(<QualityError message="no such comparison" />, 404);
    return streamJobPanel(c, job, (j) => <QualityJobFragment job={view(j)} oob follow="streamed" />);
  });

  app.post('/fragment/quality-job/:id/cancel', (c) => {
    const job = qualityJob(c.req.param('id'));
    if (job === undefined) return c.html(<QualityError message="no such comparison" />, 404);
    qualityJobs().cancel(job.id);
    return c.html(<QualityJobFragment job={view(job)} oob />);
  });

  app.post('/api/quality', async (c) => {
    const job = submitQuality(await checkQualityParams(await readJsonBody(c, MAX_BODY_BYTES)));
    await qualityJobs().persisted(job.id);
    return c.json({ job }, 202);
  });

  return app;
}
