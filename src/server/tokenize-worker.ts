/**
 * A thread of the tokenize pool (tokenize-pool.ts): answers POST /api/tokenize's work with the JSON as bytes.
 * A refusal is sent as a RequestError (its status and details are plain fields, which cross threads).
 */
import { serveTasks } from '../jobs/worker-pool.js';
import { refusalOf } from './errors.js';
import { tokenizedJson } from './tokenize-json.js';
import type { TokenizeReply, TokenizeTask } from './tokenize-pool.js';

serveTasks<TokenizeTask, TokenizeReply>(async ({ text, tokenizer, data, into }) => {
  process.env.TOKENLAB_DATA = data; // where user vocabularies are: the server's directory now
  let body: Uint8Array;
  try {
    ({ body } = await tokenizedJson(text, tokenizer, into));
  } catch (e) {
    throw refusalOf(e) ?? e;
  }
  // In the shared slot: only the length travels. Else the ArrayBuffer itself, moved (a Buffer view would be
  // serialized as a host object at more cost).
  if (into !== undefined && body.buffer === into.buffer) return { value: body.length };
  const own = body.buffer as ArrayBuffer;
  return { value: own, transfer: [own] };
});
