import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { HomePage } from '../../views/home.js';
import { PATTERN_NAMES } from '../bpe/patterns.js';

const require = createRequire(import.meta.url);

/** Builds the lab's Hono app; main.ts serves it, tests call app.request() directly. */
export function createApp(): Hono {
  const app = new Hono();
  app.get('/', (c) => c.html(<HomePage patterns={PATTERN_NAMES} />));
  app.get('/static/htmx.min.js', async (c) => {
    const js = await readFile(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8');
    return c.body(js, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' });
  });
  return app;
}
