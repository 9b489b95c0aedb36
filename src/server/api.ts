/**
 * The JSON API: GET /api/tokenizers, POST /api/tokenize, POST /api/compare. Errors are `{"error": message}`
 * (with details such as the limit) and a status: 400 malformed, 404 unknown tokenizer, 413 too large.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { readJsonBody } from './body.js';
import { compare, comparisonJson } from './compare.js';
import { JsonAnswer, listTokenizers, MAX_TEXT_BYTES, RequestError, tokenizeAnswer } from './tokenize.js';

/** Bodies are refused above this (JSON escapes can make a 1 MB text up to 6 times longer). */
const MAX_BODY_BYTES = 6 * MAX_TEXT_BYTES + 4096;

/** The request's JSON object with a string "text"; a RequestError for anything else. */
async function readTextRequest(c: Context, example: string): Promise<Record<string, unknown> & { text: string }> {
  const body = await readJsonBody(c, MAX_BODY_BYTES, example);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestError(400, `the body must be a JSON object ${example}`);
  }
  const request = body as Record<string, unknown>;
  if (typeof request.text !== 'string') throw new RequestError(400, '"text" must be a string');
  return request as Record<string, unknown> & { text: string };
}

/** Answers with `answer()`'s JSON, or a RequestError as `{"error", ...details}` with its status. */
async function jsonOrError(c: Context, answer: () => Promise<unknown>): Promise<Response> {
  try {
    const value = await answer();
    return value instanceof JsonAnswer ? sendAnswer(c, value) : c.json(value);
  } catch (e) {
    if (e instanceof RequestError) return c.json({ error: e.message, ...e.details }, e.status);
    // The client went away and its work was dropped: nobody reads this (499, "client closed request").
    if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
    throw e;
  }
}

/** Sends bytes made by a tokenize thread; a shared slot is given back once the socket is done with it. */
function sendAnswer(c: Context, answer: JsonAnswer): Response {
  let body = answer.body;
  if (answer.release !== undefined) {
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    if (outgoing !== undefined && !outgoing.destroyed) outgoing.once('close', answer.release); // after 'finish', or the connection's end
    else if (outgoing !== undefined) answer.release(); // the client went away while the answer was made: nothing will be sent
    else {
      body = new Uint8Array(body); // no socket (Hono's app.request): a copy, and the slot back at once
      answer.release();
    }
  }
  return c.body(body as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/json' });
}

export function apiRoutes(): Hono {
  const api = new Hono();

  api.get('/tokenizers', (c) => c.json({ tokenizers: listTokenizers() }));

  api.post('/tokenize', (c) =>
    jsonOrError(c, async () => {
      const { text, tokenizer } = await readTextRequest(c, '{"text": "...", "tokenizer": "cl100k_base"}');
      if (typeof tokenizer !== 'string') throw new RequestError(400, '"tokenizer" must be a string (GET /api/tokenizers lists them)');
      return tokenizeAnswer(text, tokenizer, c.req.raw.signal);
    }),
  );

  api.post('/compare', (c) =>
    jsonOrError(c, async () => {
      const { text, tokenizers } = await readTextRequest(c, '{"text": "...", "tokenizers": ["cl100k_base", "o200k_base"]}');
      if (!Array.isArray(tokenizers) || !tokenizers.every((t) => typeof t === 'string')) {
        throw new RequestError(400, '"tokenizers" must be an array of 2 to 6 tokenizer names (GET /api/tokenizers lists them)');
      }
      return comparisonJson(await compare(text, tokenizers));
    }),
  );

  return api;
}
