/**
 * The corpora page's routes: GET /corpora, POST /corpora (multipart: name, and a file or pasted text),
 * GET /corpora/:name/preview (fragment), POST /corpora/:name/delete; the JSON API GET /api/corpora,
 * POST /api/corpora ({name, text} as JSON, or the multipart form) and DELETE /api/corpora/:name; the corpora added
 * on demand: GET /fragment/bundled-corpora/:package (its offer; /events its stream while the add runs), POST
 * /fragment/bundled-corpora/:package/add and POST /api/corpora/bundled/:package/add (202 {job}, or {"job": null}).
 */
import { Hono, type Context } from 'hono';
import { addUserCorpusOffThread } from '../jobs/add-corpus.js';
import { listUserCorpora, removeUserCorpus, type UserCorpus } from '../store/user-corpora.js';
import { CorporaError, CorporaPage, CorpusOfferView, Preview, type CorporaView } from '../../views/corpora.js';
import { bundledRows, previewLines } from './corpora-data.js';
import { corpusOffer, corpusOffers, latestCorpusAddJob, startCorpusAdd } from './corpus-add-jobs.js';
import { streamJobPanel } from './job-stream.js';
import { readFormBody, readJsonBody } from './body.js';
import { attempt, RequestError } from './errors.js';

/**
 * The largest corpus added through the lab: 64 MiB (an upload is held in memory while it is checked; the CLI's
 * user corpora may be larger, up to MAX_USER_CORPUS_BYTES).
 */
export const MAX_UPLOAD_BYTES = 64 << 20;
/** Multipart framing and the other fields on top of the text. */
const FORM_OVERHEAD = 64 * 1024;

/** Adds a corpus (off the server's thread); a taken name is refused (delete first), and the store's refusals (unsafe name, bundled name, empty, not UTF-8) are 400. */
async function add(name: string, bytes: Uint8Array): Promise<UserCorpus> {
  if (bytes.length > MAX_UPLOAD_BYTES) {
    throw new RequestError(413, `the corpus is ${(bytes.length / 2 ** 20).toFixed(1)} MiB; the limit is ${MAX_UPLOAD_BYTES / 2 ** 20} MiB`);
  }
  if (await isUserCorpus(name)) {
    throw new RequestError(409, `you have a corpus named ${name}: delete it first or choose another name`);
  }
  try {
    return await addUserCorpusOffThread(name, bytes);
  } catch (e) {
    // The store's refusals come from the worker thread as errors named RangeError (see addUserCorpusOffThread).
    if ((e as Error).name === 'RangeError') throw new RequestError(400, (e as Error).message);
    throw e;
  }
}

/** The multipart form: the file if one was chosen, else the pasted text. */
async function fromForm(c: Context): Promise<{ name: string; text: string; bytes?: Uint8Array }> {
  const form = await readFormBody(c, MAX_UPLOAD_BYTES + FORM_OVERHEAD);
  const name = typeof form.name === 'string' ? form.name.trim() : '';
  // Browsers send a text area's line breaks as CRLF; the user typed newlines.
  const text = typeof form.text === 'string' ? form.text.replace(/\r\n/g, '\n') : '';
  if (form.file instanceof File && form.file.size > 0) return { name, text, bytes: new Uint8Array(await form.file.arrayBuffer()) };
  return { name, text, bytes: text === '' ? undefined : new TextEncoder().encode(text) };
}

async function view(extra: Partial<CorporaView>): Promise<CorporaView> {
  const { rows, unavailable } = await bundledRows();
  return { bundled: rows, unavailable, offers: corpusOffers(), user: await listUserCorpora(), maxUploadBytes: MAX_UPLOAD_BYTES, ...extra };
}

export function corporaRoutes(): Hono {
  const app = new Hono();

  app.get('/corpora', async (c) => {
    const added = c.req.query('added');
    const lines = added === undefined ? undefined : await previewLines(added);
    return c.html(
      <CorporaPage {...await view({ added: lines ? added : undefined, preview: lines && added ? { name: added, lines } : undefined })} />,
    );
  });

  app.post('/corpora', async (c) => {
    let form = { name: '', text: '' };
    const { result: corpus, refusal } = await attempt(async () => {
      const { name, text, bytes } = await fromForm(c);
      form = { name, text: text.length > 100_000 ? '' : text }; // a huge paste is not sent back into the page
      if (bytes === undefined) throw new RequestError(400, 'choose a file or paste some text');
      return add(name, bytes);
    });
    if (refusal !== undefined) return c.html(<CorporaPage {...await view({ error: refusal.message, form })} />, refusal.status);
    return c.redirect(`/corpora?added=${encodeURIComponent(corpus.name)}`, 303);
  });

  app.get('/corpora/:name/preview', async (c) => {
    const lines = await previewLines(c.req.param('name'));
    if (lines === undefined) return c.html(<CorporaError message={`no corpus named ${c.req.param('name')}`} />, 404);
    return c.html(<Preview name={c.req.param('name')} lines={lines} />);
  });

  app.post('/corpora/:name/delete', async (c) => {
    const name = c.req.param('name');
    if (!(await isUserCorpus(name)))
      return c.html(<CorporaError message={`${name} is not one of your corpora: only those can be deleted`} />, 404);
    await removeUserCorpus(name);
    return c.redirect('/corpora', 303);
  });

  app.get('/fragment/bundled-corpora/:name', async (c) => {
    const { result: offer, refusal } = await attempt(() => corpusOffer(c.req.param('name')));
    if (refusal !== undefined) return c.html(<CorporaError message={refusal.message} />, refusal.status);
    return c.html(<CorpusOfferView offer={offer} follow="poll" />);
  });

  app.get('/fragment/bundled-corpora/:name/events', async (c) => {
    const name = c.req.param('name');
    const { result: job, refusal } = await attempt(() => latestCorpusAddJob(name));
    if (refusal !== undefined) return c.html(<CorporaError message={refusal.message} />, refusal.status);
    // Nothing to follow (no add since the server started): the offer as it stands, which ends the page's stream.
    if (job === undefined) return c.html(<CorpusOfferView offer={corpusOffer(name)} follow="poll" />);
    return streamJobPanel(c, job, () => <CorpusOfferView offer={corpusOffer(name)} follow="streamed" />);
  });

  app.post('/fragment/bundled-corpora/:name/add', async (c) => {
    const name = c.req.param('name');
    const { result: offer, refusal } = await attempt(async () => {
      await startCorpusAdd(name);
      return corpusOffer(name);
    });
    const htmx = c.req.header('HX-Request') === 'true';
    // htmx swaps only successful answers: its refusal is a 200 fragment; a plain form post gets the status.
    if (refusal !== undefined) return c.html(<CorporaError message={refusal.message} />, htmx ? 200 : refusal.status);
    return htmx ? c.html(<CorpusOfferView offer={offer} />) : c.redirect('/corpora', 303);
  });

  app.post('/api/corpora/bundled/:name/add', async (c) => {
    const job = await startCorpusAdd(c.req.param('name'));
    return job === undefined ? c.json({ job: null, installed: true }) : c.json({ job }, 202);
  });

  app.get('/api/corpora', async (c) => {
    const { rows, unavailable } = await bundledRows();
    const bundled = rows.map((r) => ({
      name: r.corpus.name,
      description: r.corpus.description,
      language: r.corpus.language,
      register: r.corpus.register,
      domain: r.corpus.domain,
      aligned: r.corpus.aligned ?? null,
      sources: r.corpus.sources,
      ...r.stats,
      trainBytes: r.trainBytes,
      heldOutBytes: r.heldOutBytes,
    }));
    const user = (await listUserCorpora()).map(({ path: _path, ...c }) => c);
    return c.json({ bundled, user, unavailable });
  });

  app.post('/api/corpora', async (c) => {
    let name: string;
    let bytes: Uint8Array | undefined;
    if ((c.req.header('content-type') ?? '').startsWith('application/json')) {
      const v = (await readJsonBody(c, 6 * MAX_UPLOAD_BYTES)) as { name?: unknown; text?: unknown } | null;
      if (typeof v?.name !== 'string' || typeof v.text !== 'string') throw new RequestError(400, 'send {"name": "...", "text": "..."}');
      name = v.name;
      bytes = new TextEncoder().encode(v.text);
    } else {
      ({ name, bytes } = await fromForm(c));
    }
    if (bytes === undefined) throw new RequestError(400, 'no text: send a file or text');
    const { path: _path, ...corpus } = await add(name, bytes);
    return c.json({ corpus }, 201);
  });

  app.delete('/api/corpora/:name', async (c) => {
    const name = c.req.param('name');
    if (!(await isUserCorpus(name))) return c.json({ error: `${name} is not one of your corpora: only those can be deleted` }, 404);
    await removeUserCorpus(name);
    return c.json({ deleted: name });
  });

  return app;
}

async function isUserCorpus(name: string): Promise<boolean> {
  return (await listUserCorpora()).some((c) => c.name === name);
}
