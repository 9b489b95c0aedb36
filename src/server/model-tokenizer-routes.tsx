/**
 * Adding and removing open-model tokenizers: the JSON POST /api/tokenizers/:name/add (202 {job}, or 200
 * {"job": null} when it is installed) and DELETE /api/tokenizers/:name; for the pages, GET
 * /fragment/model-tokenizers/:name (an offer: its button, the add's progress, or that it is installed; polled
 * while the add runs if its stream fails), GET /fragment/model-tokenizers/:name/events (the offer as server-sent
 * events while its add runs) and POST /fragment/model-tokenizers/:name/add (starts the add; htmx gets the
 * offer, a plain form is sent back to /vocab). An unknown name is 404.
 */
import { Hono, type Context } from 'hono';
import { ModelOfferView, TOKENIZERS_CHANGED } from '../../views/model-tokenizers.js';
import { modelTokenizerDef } from '../store/model-tokenizers/catalogue.js';
import type { Follow } from '../../views/job-follow.js';
import { attempt, type RequestError } from './errors.js';
import { streamJobPanel } from './job-stream.js';
import { latestAddJob, modelOffer, removeModelTokenizerFromLab, startModelTokenizerAdd } from './model-tokenizer-jobs.js';

/** The offer of `name` as a fragment; once installed, it tells the page to refresh its list of tokenizers. */
async function offerFragment(c: Context, name: string, follow?: Follow) {
  const { result: offer, refusal } = await attempt(() => modelOffer(name));
  if (refusal !== undefined) return refusalFragment(c, refusal);
  if (offer.state === 'installed') c.header('HX-Trigger', TOKENIZERS_CHANGED);
  return c.html(<ModelOfferView offer={offer} follow={follow} />);
}

/** The offer of `name` streamed while its latest add runs; once installed, the stream tells the page as the header does. */
async function offerStream(c: Context, name: string) {
  const { result: job, refusal } = await attempt(() => latestAddJob(modelTokenizerDef(name).name));
  if (refusal !== undefined) return refusalFragment(c, refusal);
  // Nothing to follow (no add since the server started): the offer as it stands, which ends the page's stream.
  if (job === undefined) return offerFragment(c, name);
  const installed = (j: { state: string }) => (j.state === 'done' ? [TOKENIZERS_CHANGED] : []);
  return streamJobPanel(c, job, () => <ModelOfferView offer={modelOffer(name)} follow="streamed" />, installed);
}

/** A refusal in the offer's place (as HTML: the message may quote what the request held). */
function refusalFragment(c: Context, refusal: RequestError) {
  return c.html(
    <li class="model-offer">
      <span class="error">{refusal.message}</span>
    </li>,
    refusal.status,
  );
}

export function modelTokenizerRoutes(): Hono {
  const app = new Hono();

  app.post('/api/tokenizers/:name/add', async (c) => {
    const job = await startModelTokenizerAdd(c.req.param('name'));
    return job === undefined ? c.json({ job: null, installed: true }) : c.json({ job }, 202);
  });

  app.delete('/api/tokenizers/:name', async (c) => {
    const name = c.req.param('name');
    return c.json({ name, ...(await removeModelTokenizerFromLab(name)) });
  });

  app.get('/fragment/model-tokenizers/:name', (c) => offerFragment(c, c.req.param('name'), 'poll'));

  app.get('/fragment/model-tokenizers/:name/events', (c) => offerStream(c, c.req.param('name')));

  app.post('/fragment/model-tokenizers/:name/add', async (c) => {
    const name = c.req.param('name');
    const { refusal } = await attempt(() => startModelTokenizerAdd(name));
    const htmx = c.req.header('HX-Request') === 'true';
    if (refusal === undefined) return htmx ? offerFragment(c, name) : c.redirect('/vocab', 303);
    return refusalFragment(c, refusal);
  });

  return app;
}
