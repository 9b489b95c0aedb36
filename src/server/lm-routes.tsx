/**
 * The LM studio's routes. Pages: GET /lm (?job=ID shows a build, ?L=&K= the space size), POST /lm (the build
 * form; htmx gets the job panel or the error as a fragment), GET /lm/:name (?view= one of the five views, with
 * that view's fields: the result is rendered into the page), POST /lm/:name/delete. Fragments: the job panel
 * (/fragment/lm-job/ID/events streams it, /fragment/lm-job/ID is polled when the stream fails; outside
 * /fragment/lm/ so no model name can clash) and its cancel, the space size, and each view's result (a sample
 * streams as it is drawn when the request accepts text/event-stream). JSON API: GET /api/lm, POST
 * /api/lm/build -> 202 {job}, GET and DELETE /api/lm/:name, POST /api/lm/:name/score|next|sample|answer, GET
 * /api/lm/:name/trie?path=ids. Errors are `{"error": message}` with 400, 404, 409, 413 or 429.
 */
import { Hono, type Context } from 'hono';
import { deleteUserModel, findUserModel, listUserModels } from '../store/user-models.js';
import { LmJobFragment, LmError, LmMissingPage, SpaceResult, type LmBuildForm } from '../../views/lm.js';
import { DEFAULT_FIELDS, LM_VIEWS, viewHref, type LmFields, type LmView } from '../../views/lm-fields.js';
import { LmModelPage } from '../../views/lm-model.js';
import type { Follow } from '../../views/job-follow.js';
import { LmResultError, Result } from '../../views/lm-results.js';
import { readFormBody, readJsonBody } from './body.js';
import { attempt, RequestError } from './errors.js';
import { streamJobPanel } from './job-stream.js';
import { MAX_URL_TEXT } from './limits.js';
import {
  answer,
  bitsPerByteBoard,
  checkPath,
  checkSampleRequest,
  checkText,
  intOption,
  next,
  openModel,
  sampled,
  surprisal,
  trieView,
  DEFAULT_TOP_K,
  MAX_TOP_K,
  type OpenModel,
} from './lm-data.js';
import { lmJobs, submitLmBuild } from './lm-jobs.js';
import { firstModelNote, infgramJob, listPage, spaceOf, type LmJob } from './lm-list.js';
import { LM_LIMITS, resultView, type ViewResult } from './lm-page.js';
import { acceptsEventStream, streamSample } from './lm-sample-stream.js';
import { tokenJson } from './token-json.js';
import { MAX_VOCAB_SIZE } from './train-jobs.js';

/** A build request is a few names and a number; a view's request holds at most MAX_LM_TEXT_BYTES of text. */
const MAX_BUILD_BODY_BYTES = 64 * 1024;
const MAX_VIEW_BODY_BYTES = 512 * 1024;
const submitBuild = (body: unknown) => submitLmBuild(body) as Promise<LmJob>;

/** The job's panel with the parts of the list page that follow it. */
function jobFragment(job: LmJob, follow?: Follow) {
  const models = listUserModels();
  return (
    <LmJobFragment
      job={job}
      jobs={lmJobs().list('lm') as LmJob[]}
      models={models}
      board={bitsPerByteBoard()}
      first={firstModelNote(models)}
      follow={follow}
    />
  );
}

function lmJob(id: string): LmJob | undefined {
  const job = lmJobs().get(id);
  return job?.kind === 'lm' ? (job as LmJob) : undefined;
}

async function formOf(c: Context): Promise<Record<string, string>> {
  const body = await readFormBody(c, MAX_VIEW_BODY_BYTES);
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The build form as a request body: the order parsed (a non-number stays a string and is refused). */
function buildRequestOf(form: LmBuildForm): Record<string, unknown> {
  return {
    name: form.name.trim(),
    tokenizer: form.tokenizer,
    corpus: form.corpus,
    order: /^\s*-?\d+\s*$/.test(form.order) ? Number(form.order) : form.order,
  };
}

/** Computes a view's result from its fields (form strings or JSON values). */
function runView(m: OpenModel, view: LmView, f: Record<string, unknown>): ViewResult {
  switch (view) {
    case 'surprisal':
      return { view, value: surprisal(m, checkText(f.text, 'text')) };
    case 'next':
      return { view, value: next(m, checkText(f.context ?? '', 'context'), intOption(f.k, 'k', 1, MAX_TOP_K, DEFAULT_TOP_K)) };
    case 'trie':
      return { view, value: trieView(m, checkPath(m, f.path ?? [])) };
    case 'sample':
      return { view, value: sampled(m, checkSampleRequest(f, m.record.vocabularySize)) };
    case 'qa': {
      const q = checkText(f.question ?? '', 'question');
      const t = checkText(f.thought ?? '', 'thought');
      return { view, value: answer(m, q, checkText(f.answer, 'answer'), t) };
    }
  }
}

const isView = (v: string | undefined): v is LmView => (LM_VIEWS as readonly string[]).includes(v ?? '');

/** The field a view measures, without which the page shows no result yet (no error): the text of surprisal, the answer of Q&A. */
const MEASURED: Partial<Record<LmView, string>> = { surprisal: 'text', qa: 'answer' };

/** Whether the page's `view` waits for its measured text (the API still refuses it empty). */
const awaitsInput = (view: LmView, fields: Record<string, string>) => MEASURED[view] !== undefined && (fields[MEASURED[view]] ?? '') === '';

export function lmRoutes(): Hono {
  const app = new Hono();

  app.get('/lm', async (c) => {
    const id = c.req.query('job');
    const job = id === undefined ? undefined : lmJob(id);
    const indexJob = id === undefined ? undefined : infgramJob(id);
    if (id !== undefined && job === undefined && indexJob === undefined)
      return c.html(await listPage({ error: `no build job ${JSON.stringify(id)}` }), 404);
    const asked = c.req.query('L') !== undefined || c.req.query('K') !== undefined;
    const { result: space, refusal } = await attempt(() => (asked ? spaceOf(c.req.query(), MAX_VOCAB_SIZE) : undefined));
    if (refusal !== undefined) return c.html(await listPage({ error: refusal.message }), refusal.status);
    return c.html(await listPage({ job, space, infgram: { job: indexJob } }));
  });

  app.post('/lm', async (c) => {
    const f = await formOf(c);
    const form: LmBuildForm = { name: f.name ?? '', tokenizer: f.tokenizer ?? '', corpus: f.corpus ?? '', order: f.order ?? '' };
    const htmx = c.req.header('HX-Request') === 'true';
    const { result: job, refusal } = await attempt(() => submitBuild(buildRequestOf(form)));
    if (refusal !== undefined) {
      // htmx gets the error as a fragment, with its status (htmx 4 swaps it); a plain form post, the page.
      if (htmx) return c.html(<LmError message={refusal.message} />, refusal.status);
      return c.html(await listPage({ form, error: refusal.message }), refusal.status);
    }
    if (!htmx) return c.redirect(`/lm?job=${encodeURIComponent(job.id)}`, 303);
    c.header('HX-Replace-Url', `/lm?job=${encodeURIComponent(job.id)}`);
    return c.html(jobFragment(job));
  });

  app.get('/fragment/lm-job/:id', (c) => {
    const job = lmJob(c.req.param('id'));
    return job ? c.html(jobFragment(job, 'poll')) : c.html(<LmError message="no such build job" />, 404);
  });

  app.get('/fragment/lm-job/:id/events', (c) => {
    const job = lmJob(c.req.param('id'));
    return job ? streamJobPanel(c, job, (j) => jobFragment(j, 'streamed')) : c.html(<LmError message="no such build job" />, 404);
  });

  app.post('/fragment/lm-job/:id/cancel', (c) => {
    const job = lmJob(c.req.param('id'));
    if (job === undefined) return c.html(<LmError message="no such build job" />, 404);
    lmJobs().cancel(job.id);
    return c.html(jobFragment(job));
  });

  app.get('/fragment/lm/space', async (c) => {
    const { result: space, refusal } = await attempt(() => spaceOf(c.req.query(), MAX_VOCAB_SIZE));
    if (refusal !== undefined) return c.html(<LmError message={refusal.message} />, refusal.status);
    return c.html(<SpaceResult space={space} />);
  });

  app.post('/lm/:name/delete', async (c) => {
    const name = c.req.param('name');
    if (!(await deleteUserModel(name))) return c.html(<LmMissingPage message={`no model ${JSON.stringify(name)}`} />, 404);
    return c.redirect('/lm', 303);
  });

  app.get('/lm/:name', async (c) => {
    const query = c.req.query();
    const view = isView(query.view) ? query.view : 'surprisal';
    const fields: LmFields = { ...DEFAULT_FIELDS, ...query };
    const opened = await attempt(() => openModel(c.req.param('name')));
    // /lm/infgram is where an index's build form posts: reloaded, it leads to the indexes (unless a model has that name).
    if (opened.refusal?.status === 404 && c.req.param('name') === 'infgram') return c.redirect('/lm#infgram', 302);
    if (opened.refusal !== undefined) return c.html(<LmMissingPage message={opened.refusal.message} />, opened.refusal.status);
    const m = opened.result;
    // A view's result is computed when its form was sent (more than ?view= in the URL); the trie always shows.
    const asked = view === 'trie' || (Object.keys(query).some((k) => k !== 'view') && !awaitsInput(view, query));
    const { result, refusal } = await attempt(() => (asked ? resultView(runView(m, view, query)) : undefined));
    if (refusal !== undefined)
      return c.html(
        <LmModelPage record={m.record} limits={LM_LIMITS} view={view} fields={fields} error={refusal.message} />,
        refusal.status,
      );
    return c.html(<LmModelPage record={m.record} limits={LM_LIMITS} view={view} fields={fields} result={result} />);
  });

  /**
   * A view's fragment: its result, or the refusal with its status (htmx 4 swaps it as it does a result). The
   * address bar gets the page's URL for the same result (shareable) unless the fields are too long for a URL.
   */
  const fragment = async (c: Context, fields: Record<string, string>) => {
    const view = c.req.param('view');
    if (!isView(view)) return c.html(<LmResultError message={`no view ${JSON.stringify(view)}`} />, 404);
    const name = c.req.param('name')!;
    const shown = (r: ViewResult) => (
      <Result result={resultView(r)} name={name} fields={{ ...DEFAULT_FIELDS, ...fields }} limits={LM_LIMITS} />
    );
    const streamed = view === 'sample' && acceptsEventStream(c);
    const { result, refusal } = await attempt(async () => {
      const m = await openModel(name);
      if (awaitsInput(view, fields)) return undefined;
      return streamed ? { m, sample: checkSampleRequest(fields, m.record.vocabularySize) } : runView(m, view, fields);
    });
    if (refusal !== undefined) return c.html(<LmResultError message={refusal.message} />, refusal.status);
    if (result === undefined) return c.html('');
    const href = viewHref(name, view, fields, view === 'trie' ? { path: fields.path ?? '' } : {});
    if (href.length <= MAX_URL_TEXT) c.header('HX-Replace-Url', href);
    if ('sample' in result) return streamSample(c, result.m, result.sample, (value) => shown({ view: 'sample', value }));
    return c.html(shown(result));
  };
  app.post('/fragment/lm/:name/:view', async (c) => fragment(c, await formOf(c)));
  app.get('/fragment/lm/:name/:view', (c) => fragment(c, c.req.query()));

  app.get('/api/lm', (c) => c.json({ models: listUserModels() }));

  app.post('/api/lm/build', async (c) => c.json({ job: await submitBuild(await readJsonBody(c, MAX_BUILD_BODY_BYTES)) }, 202));

  const unknownModel = (c: Context) => c.json({ error: `no model ${JSON.stringify(c.req.param('name'))}` }, 404);

  app.get('/api/lm/:name', (c) => {
    const record = findUserModel(c.req.param('name'));
    return record ? c.json({ model: record }) : unknownModel(c);
  });

  app.delete('/api/lm/:name', async (c) =>
    (await deleteUserModel(c.req.param('name'))) ? c.json({ deleted: c.req.param('name') }) : unknownModel(c),
  );

  /** An API view: the JSON body (or the query, for the trie) through the same checks as the page. */
  const apiView = async (c: Context, view: LmView, fields: () => Promise<unknown>) => {
    const m = await openModel(c.req.param('name')!);
    const f = await fields();
    if (typeof f !== 'object' || f === null || Array.isArray(f)) throw new RequestError(400, 'the body must be a JSON object');
    return tokenJson(c, runView(m, view, f as Record<string, unknown>).value);
  };
  const jsonBody = (c: Context) => () => readJsonBody(c, MAX_VIEW_BODY_BYTES);
  const API_VIEWS: Array<[string, LmView]> = [
    ['score', 'surprisal'],
    ['next', 'next'],
    ['sample', 'sample'],
    ['answer', 'qa'],
  ];
  for (const [path, view] of API_VIEWS) app.post(`/api/lm/:name/${path}`, (c) => apiView(c, view, jsonBody(c)));
  app.get('/api/lm/:name/trie', (c) => apiView(c, 'trie', async () => ({ path: c.req.query('path') ?? '' })));

  return app;
}
