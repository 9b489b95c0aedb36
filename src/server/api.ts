/** The JSON API: GET /api/tokenizers, POST /api/tokenize. Errors are `{"error": message}` with a status. */
import { Hono } from 'hono';
import {
  listTokenizers,
  MAX_TEXT_BYTES,
  TextTooLargeError,
  tokenize,
  tokenizedJson,
  tokenizerByName,
  UnknownTokenizerNameError,
} from './tokenize.js';

/** Bodies are refused before parsing above this (JSON escapes can make a 1 MB text up to 6 times longer). */
const MAX_BODY_BYTES = 6 * MAX_TEXT_BYTES + 4096;

export function apiRoutes(): Hono {
  const api = new Hono();

  api.get('/tokenizers', (c) => c.json({ tokenizers: listTokenizers() }));

  api.post('/tokenize', async (c) => {
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_BODY_BYTES) return c.json({ error: `request body of ${length} bytes is over the limit` }, 413);
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return c.json({ error: 'the body is not valid JSON; send {"text": "...", "tokenizer": "cl100k_base"}' }, 400);
    }
    if (typeof body !== 'object' || body === null) {
      return c.json({ error: 'the body must be a JSON object {"text", "tokenizer"}' }, 400);
    }
    const { text, tokenizer } = body as { text?: unknown; tokenizer?: unknown };
    if (typeof text !== 'string') return c.json({ error: '"text" must be a string' }, 400);
    if (typeof tokenizer !== 'string') return c.json({ error: '"tokenizer" must be a string (GET /api/tokenizers lists them)' }, 400);
    try {
      const result = await tokenize(text, tokenizer);
      return c.json(tokenizedJson(result, await tokenizerByName(tokenizer)));
    } catch (e) {
      if (e instanceof UnknownTokenizerNameError) return c.json({ error: e.message, tokenizer }, 404);
      if (e instanceof TextTooLargeError) return c.json({ error: e.message, bytes: e.bytes, limit: MAX_TEXT_BYTES }, 413);
      throw e;
    }
  });

  return api;
}
