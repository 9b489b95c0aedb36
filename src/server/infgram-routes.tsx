/**
 * The LM studio's ∞-gram routes. Pages: POST /lm/infgram (the build form on /lm; htmx gets the job panel or the
 * error as a fragment), GET /lm/infgram/:name (?view= surprisal, count, next or trace, with its fields: the
 * result is rendered into the page), GET /lm/infgram/:name/line?line=&token=&length= (a corpus line, an
 * occurrence marked), POST /lm/infgram/:name/delete. Fragments: the job panel (/fragment/infgram-job/ID/events
 * streams it, /fragment/infgram-job/ID is polled when the stream fails) and its cancel, and each view's result. JSON API: GET /api/infgram, POST /api/infgram/build -> 202
 * {job}, GET and DELETE /api/infgram/:name, POST /api/infgram/:name/count|next|find|trace|score, GET
 * /api/infgram/:name/line?line=N. Errors are `{"error": message}` with 400, 404, 409, 413 or 429, as on the LM API.
 */
import { Hono, type Context } from 'hono';
import type { JobRecord } from '../jobs/job-manager.js';
import { deleteUserInfgram, findUserInfgram, listUserInfgrams } from '../store/user-infgrams.js';
import { listUserModels } from '../store/user-models.js';
import { InfgramJobFragment, type InfgramBuildForm } from '../../views/infgram-list.js';
import {
  IG_DEFAULT_FIELDS,
  IG_PAGE_VIEWS,
  igViewHref,
  InfgramLinePage,
  InfgramMissingPage,
  InfgramPage,
  type IgPageView,
} from '../../views/infgram-page.js';
import { IgResult, IgResultError } from '../../views/infgram-results.js';
import type { InfgramJob } from '../../views/infgram-types.js';
import { LmError } from '../../views/lm.js';
import type { Follow } from '../../views/job-follow.js';
import { readFormBody, readJsonBody } from './body.js';
import { attempt, RequestError } from './errors.js';
import { streamJobPanel } from './job-stream.js';
import { corpusLineOf, openInfgram, type OpenInfgram } from './infgram-data.js';
import { checkInfgramBuildParams, infgramJobs, type InfgramBuildParams } from './infgram-jobs.js';
import { pageResult, runInfgramView, type InfgramViewName } from './infgram-views.js';
import { intOption } from './lm-data.js';
import { infgramJob, infgramJobList, listPage } from './lm-list.js';
import { MAX_URL_TEXT } from './limits.js';
import { tokenJson } from './token-json.js';
import { chipToken } from './vocab-bytes.js';

/** A build request is a few names; a view's request holds at most MAX_LM_TEXT_BYTES of text or MAX_QUERY_IDS ids. */
const MAX_BUILD_BODY_BYTES = 64 * 1024;
const MAX_VIEW_BODY_BYTES = 2 * 1024 * 1024;

async function submitBuild(body: unknown): Promise<InfgramJob> {
  const params = await checkInfgramBuildParams(body);
  const job = infgramJobs().submit<InfgramBuildParams>('infgram', params.name, params) as JobRecord as InfgramJob;
  await infgramJobs().persisted(job.id);
  return job;
}

const jobFragment = (job: InfgramJob, follow?: Follow) => (
  <InfgramJobFragment job={job} jobs={infgramJobList()} indexes={listUserInfgrams()} follow={follow} />
);

const isPageView = (v: string | undefined): v is IgPageView => (IG_PAGE_VIEWS as readonly string[]).includes(v ?? '');

/** The view a page's tab runs: the count box shows the first occurrences too (the API's find). */
const PAGE_RUNS: Record<IgPageView, InfgramViewName> = { surprisal: 'surprisal', count: 'find', next: 'next', trace: 'trace' };

/** The fields a page's form has ("model" empty: none); the API's others (ids, limit, first) keep their defaults. */
async function pageView(o: OpenInfgram, view: IgPageView, fields: Record<string, string>) {
  const { text, model, k, offset, minLength } = fields;
  const f = { text, model: model === '' ? undefined : model, k, offset, minLength };
  return pageResult(await runInfgramView(o, PAGE_RUNS[view], f));
}

/** The names of the n-gram models over the index's tokenizer. */
const modelsOver = (tokenizer: string) =>
  listUserModels()
    .filter((m) => m.tokenizer === tokenizer)
    .map((m) => m.name);

export function infgramRoutes(): Hono {
  const app = new Hono();

  app.post('/lm/infgram', async (c) => {
    const body = await readFormBody(c, MAX_BUILD_BODY_BYTES);
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const corpora = ([] as unknown[]).concat(body.corpora ?? []).map(str);
    const form: InfgramBuildForm = { name: str(body.name).trim(), tokenizer: str(body.tokenizer), corpora };
    const htmx = c.req.header('HX-Request') === 'true';
    const { result: job, refusal } = await attempt(() => submitBuild(form));
    if (refusal !== undefined) {
      // htmx gets the error as a fragment, with its status (htmx 4 swaps it); a plain form post, the page.
      if (htmx) return c.html(<LmError message={refusal.message} />, refusal.status);
      return c.html(await listPage({ infgram: { form, error: refusal.message } }), refusal.status);
    }
    if (!htmx) return c.redirect(`/lm?job=${encodeURIComponent(job.id)}#infgram`, 303);
    c.header('HX-Replace-Url', `/lm?job=${encodeURIComponent(job.id)}`);
    return c.html(jobFragment(job));
  });

  app.get('/fragment/infgram-job/:id', (c) => {
    const job = infgramJob(c.req.param('id'));
    return job ? c.html(jobFragment(job, 'poll')) : c.html(<LmError message="no such build job" />, 404);
  });

  app.get('/fragment/infgram-job/:id/events', (c) => {
    const job = infgramJob(c.req.param('id'));
    return job ? streamJobPanel(c, job, (j) => jobFragment(j, 'streamed')) : c.html(<LmError message="no such build job" />, 404);
  });

  app.post('/fragment/infgram-job/:id/cancel', (c) => {
    const job = infgramJob(c.req.param('id'));
    if (job === undefined) return c.html(<LmError message="no such build job" />, 404);
    infgramJobs().cancel(job.id);
    return c.html(jobFragment(job));
  });

  const missing = (c: Context, r: RequestError) => c.html(<InfgramMissingPage message={r.message} />, r.status);

  app.post('/lm/infgram/:name/delete', async (c) => {
    const name = c.req.param('name');
    if (!(await deleteUserInfgram(name))) return missing(c, new RequestError(404, `no index ${JSON.stringify(name)}`));
    return c.redirect('/lm#infgram', 303);
  });

  app.get('/lm/infgram/:name', async (c) => {
    const query = c.req.query();
    const view = isPageView(query.view) ? query.view : 'surprisal';
    const fields = { ...IG_DEFAULT_FIELDS, ...query };
    const opened = await attempt(() => openInfgram(c.req.param('name')));
    if (opened.refusal !== undefined) return missing(c, opened.refusal);
    const o = opened.result;
    const page = { index: o.record, models: modelsOver(o.record.tokenizer), view, fields };
    // A view's result is computed when its form was sent (more than ?view= in the URL).
    const asked = Object.keys(query).some((k) => k !== 'view');
    const { result, refusal } = await attempt(async () => (asked ? pageView(o, view, query) : undefined));
    if (refusal !== undefined) return c.html(<InfgramPage {...page} error={refusal.message} />, refusal.status);
    return c.html(<InfgramPage {...page} result={result} />);
  });

  app.get('/lm/infgram/:name/line', async (c) => {
    const opened = await attempt(async () => {
      const o = await openInfgram(c.req.param('name'));
      const line = await corpusLineOf(o, intOption(c.req.query('line'), 'line', 0, o.index.lineCount - 1, 0));
      const from = intOption(c.req.query('token'), 'token', 0, line.tokens.length, 0);
      const to = from + intOption(c.req.query('length'), 'length', 0, line.tokens.length - from, 0);
      return { line: { ...line, tokens: line.tokens.map((t) => ({ ...t, ...chipToken(t.bytes) })), from, to }, name: o.record.name };
    });
    if (opened.refusal !== undefined) return missing(c, opened.refusal);
    return c.html(<InfgramLinePage index={opened.result.name} line={opened.result.line} />);
  });

  /** A view's fragment: its result, or the refusal with its status (htmx 4 swaps it as it does a result). */
  app.post('/fragment/infgram/:name/:view', async (c) => {
    const view = c.req.param('view');
    if (!isPageView(view)) return c.html(<IgResultError message={`no view ${JSON.stringify(view)}`} />, 404);
    const name = c.req.param('name');
    const body = await readFormBody(c, MAX_VIEW_BODY_BYTES);
    const fields = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const { result, refusal } = await attempt(async () => pageView(await openInfgram(name), view, fields));
    if (refusal !== undefined) return c.html(<IgResultError message={refusal.message} />, refusal.status);
    const href = igViewHref(name, view, fields.text ?? '');
    if (href.length <= MAX_URL_TEXT) c.header('HX-Replace-Url', href);
    return c.html(<IgResult result={result} name={name} />);
  });

  app.get('/api/infgram', (c) => c.json({ indexes: listUserInfgrams() }));

  app.post('/api/infgram/build', async (c) => c.json({ job: await submitBuild(await readJsonBody(c, MAX_BUILD_BODY_BYTES)) }, 202));

  const unknown = (c: Context) => c.json({ error: `no index ${JSON.stringify(c.req.param('name'))}` }, 404);

  app.get('/api/infgram/:name', (c) => {
    const record = findUserInfgram(c.req.param('name'));
    return record ? c.json({ index: record }) : unknown(c);
  });

  app.delete('/api/infgram/:name', async (c) =>
    (await deleteUserInfgram(c.req.param('name'))) ? c.json({ deleted: c.req.param('name') }) : unknown(c),
  );

  app.get('/api/infgram/:name/line', async (c) => {
    const o = await openInfgram(c.req.param('name'));
    return tokenJson(c, await corpusLineOf(o, intOption(c.req.query('line'), 'line', 0, Math.max(0, o.index.lineCount - 1), 0)));
  });

  const API_VIEWS: Array<[string, InfgramViewName]> = [
    ['count', 'count'],
    ['next', 'next'],
    ['find', 'find'],
    ['trace', 'trace'],
    ['score', 'surprisal'],
  ];
  for (const [path, view] of API_VIEWS)
    app.post(`/api/infgram/:name/${path}`, async (c) => {
      const o = await openInfgram(c.req.param('name'));
      const f = await readJsonBody(c, MAX_VIEW_BODY_BYTES);
      if (typeof f !== 'object' || f === null || Array.isArray(f)) throw new RequestError(400, 'the body must be a JSON object');
      const r = await runInfgramView(o, view, f as Record<string, unknown>);
      return tokenJson(c, r.value);
    });

  return app;
}
