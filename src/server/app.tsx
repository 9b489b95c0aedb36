import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Hono, type Context } from 'hono';
import { TokenizeError, TokenizePage, TokenizeResult, type TokenizeOptions } from '../../views/tokenize.js';
import { apiRoutes } from './api.js';
import {
  DEFAULT_TOKENIZER,
  listTokenizers,
  MAX_TEXT_BYTES,
  TextTooLargeError,
  tokenize,
  UnknownTokenizerNameError,
  type Tokenized,
} from './tokenize.js';

const require = createRequire(import.meta.url);

/** Texts longer than this (UTF-16 units) are not put in the shareable URL. */
const MAX_URL_TEXT = 4000;

/** The page's state as a query string: what the shareable URL carries. */
export function shareUrl(o: TokenizeOptions): string {
  const q = new URLSearchParams(o.text === '' ? { tokenizer: o.tokenizer } : { text: o.text, tokenizer: o.tokenizer });
  if (o.whitespace) q.set('ws', '1');
  return `/?${q}`;
}

function optionsOf(get: (k: string) => string | undefined): TokenizeOptions {
  return {
    text: get('text') ?? '',
    tokenizer: get('tokenizer') || DEFAULT_TOKENIZER,
    whitespace: get('ws') === '1',
  };
}

/** The result, or the message to show instead (unknown tokenizer, text over the limit) with its status. */
async function run(o: TokenizeOptions): Promise<{ result?: Tokenized; error?: string; status: 200 | 404 | 413 }> {
  try {
    return { result: await tokenize(o.text, o.tokenizer), status: 200 };
  } catch (e) {
    if (e instanceof UnknownTokenizerNameError) return { error: e.message, status: 404 };
    if (e instanceof TextTooLargeError) return { error: `This text is too large: ${e.message}.`, status: 413 };
    throw e;
  }
}

/**
 * Builds the lab's Hono app; main.ts serves it, tests call app.request() directly. Each page family lives in
 * its own module of routes, mounted here.
 */
export function createApp(): Hono {
  const app = new Hono();
  app.route('/api', apiRoutes());

  app.get('/', async (c) => {
    const options = optionsOf((k) => c.req.query(k));
    const { result, error, status } = await run(options);
    return c.html(<TokenizePage options={options} tokenizers={listTokenizers()} result={result} error={error} />, status);
  });

  // htmx posts the form here as the user types; the answer is the #result fragment, and the URL follows.
  app.post('/fragment/tokenize', async (c: Context) => {
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > 4 * MAX_TEXT_BYTES) {
      return c.html(<TokenizeError message={`This text is too large: the limit is ${MAX_TEXT_BYTES} bytes (1 MB).`} />);
    }
    const form = await c.req.parseBody();
    const options = optionsOf((k) => (typeof form[k] === 'string' ? (form[k] as string) : undefined));
    const { result, error } = await run(options);
    // 200 even for errors: htmx swaps only successful responses, and the message belongs in #result.
    // A long text stays out of the URL (the URL keeps the tokenizer and options, never a stale text).
    c.header('HX-Replace-Url', shareUrl(options.text.length <= MAX_URL_TEXT ? options : { ...options, text: '' }));
    if (error !== undefined || result === undefined) return c.html(<TokenizeError message={error ?? 'no result'} />);
    return c.html(<TokenizeResult result={result} whitespace={options.whitespace} />);
  });

  app.get('/static/htmx.min.js', async (c) => {
    const js = await readFile(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8');
    return c.body(js, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' });
  });
  return app;
}
