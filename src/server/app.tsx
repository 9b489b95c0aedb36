import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { apiRoutes } from './api.js';
import { compareRoutes } from './compare-page.js';
import { qualityRoutes } from './quality-routes.js';
import { tokenizePageRoutes } from './tokenize-page.js';
import { chatPageRoutes } from './chat-page.js';
import { jobsRoutes } from './jobs-routes.js';
import { trainRoutes } from './train-routes.js';
import { vocabRoutes } from './vocab-routes.js';
import { corporaRoutes } from './corpora-routes.js';
import { infgramRoutes } from './infgram-routes.js';
import { lmRoutes } from './lm-routes.js';
import { modelTokenizerRoutes } from './model-tokenizer-routes.js';
import { errorAnswer } from './errors.js';
import { serveStylesheet } from './stylesheet.js';

const require = createRequire(import.meta.url);

const STATIC_SCRIPTS: ReadonlyArray<[string, string]> = [
  ['/static/htmx.min.js', 'htmx.org/dist/htmx.min.js'],
  ['/static/hx-sse.min.js', 'htmx.org/dist/ext/hx-sse.min.js'],
];

/**
 * Builds the lab's Hono app; main.ts serves it, tests call app.request() directly. Each page family lives in
 * its own module of routes, mounted here.
 */
export function createApp(): Hono {
  const app = new Hono();
  // nosniff, no framing by other sites, no referrer: the pages show the user's own text.
  app.use('*', secureHeaders());
  app.route('/api', apiRoutes());
  app.route('/', tokenizePageRoutes());
  app.route('/', chatPageRoutes());
  app.route('/', compareRoutes());
  app.route('/', qualityRoutes());
  app.route('/', jobsRoutes());
  app.route('/', trainRoutes());
  app.route('/', vocabRoutes());
  app.route('/', corporaRoutes());
  app.route('/', lmRoutes());
  app.route('/', infgramRoutes());
  app.route('/', modelTokenizerRoutes());

  // A refusal no route turned into its own page (see errors.ts): its status and message, never a 500.
  app.onError(errorAnswer);

  app.get('/static/lab.css', serveStylesheet);
  // htmx and its SSE extension, from node_modules (the lab works offline).
  for (const [path, file] of STATIC_SCRIPTS) {
    app.get(path, async (c) => {
      const js = await readFile(require.resolve(file), 'utf8');
      return c.body(js, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' });
    });
  }
  return app;
}
