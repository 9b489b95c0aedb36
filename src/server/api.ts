/**
 * The JSON API: GET /api/tokenizers, POST /api/tokenize, POST /api/compare, POST /api/chat (adding model tokenizers:
 * model-tokenizer-routes.tsx). Errors are `{"error": message}`
 * (with details such as the limit) and a status: 400 malformed, 404 unknown tokenizer, 413 too large; they
 * are answered by app.onError (errors.ts), like 499 for a client that went away.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { listModelTokenizers } from '../store/model-tokenizers/installed.js';
import { listTokenizers } from '../store/tokenizers.js';
import { readJsonBody } from './body.js';
import { countChat } from '../jobs/chat-count.js';
import { chatJson } from '../jobs/chat-json.js';
import { CHAT_EXAMPLE, readChatRequest } from './chat.js';
import { compare, comparisonJson } from './compare.js';
import { RequestError } from './errors.js';
import { MAX_TEXT_BYTES } from './limits.js';
import type { JsonAnswer } from './tokenize-json.js';
import { tokenizeAnswer } from './tokenize-pool.js';

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

/** Sends bytes made by a tokenize thread; a shared slot is given back once the socket is done with it. */
function sendAnswer(c: Context, answer: JsonAnswer): Response {
  let body = answer.body;
  if (answer.release !== undefined) {
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    if (outgoing !== undefined && !outgoing.destroyed)
      outgoing.once('close', answer.release); // after 'finish', or the connection's end
    else if (outgoing !== undefined)
      answer.release(); // the client went away while the answer was made: nothing will be sent
    else {
      body = new Uint8Array(body); // no socket (Hono's app.request): a copy, and the slot back at once
      answer.release();
    }
  }
  return c.body(body as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/json' });
}

export function apiRoutes(): Hono {
  const api = new Hono();

  // The registry's tokenizers, then the model tokenizers that can be added (installed ones are the registry's).
  api.get('/tokenizers', (c) => {
    const offered = listModelTokenizers()
      .filter((m) => !m.installed)
      .map((m) => ({ name: m.name, kind: 'model', installed: false, downloadBytes: m.downloadBytes }));
    return c.json({ tokenizers: [...listTokenizers(), ...offered] });
  });

  api.post('/tokenize', async (c) => {
    const { text, tokenizer } = await readTextRequest(c, '{"text": "...", "tokenizer": "cl100k_base"}');
    if (typeof tokenizer !== 'string') throw new RequestError(400, '"tokenizer" must be a string (GET /api/tokenizers lists them)');
    return sendAnswer(c, await tokenizeAnswer(text, tokenizer, c.req.raw.signal));
  });

  api.post('/compare', async (c) => {
    const { text, tokenizers } = await readTextRequest(c, '{"text": "...", "tokenizers": ["cl100k_base", "o200k_base"]}');
    if (!Array.isArray(tokenizers) || !tokenizers.every((t) => typeof t === 'string')) {
      throw new RequestError(400, '"tokenizers" must be an array of 2 to 6 tokenizer names (GET /api/tokenizers lists them)');
    }
    return c.json(comparisonJson(await compare(text, tokenizers)));
  });

  api.post('/chat', async (c) => {
    const request = readChatRequest(await readJsonBody(c, MAX_BODY_BYTES, CHAT_EXAMPLE));
    return c.json(chatJson(await countChat(request)));
  });

  return api;
}
