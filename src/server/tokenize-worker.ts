/** A thread of the tokenize pool (tokenize.ts): answers POST /api/tokenize's work with the JSON as bytes. */
import { serveTasks } from '../jobs/worker-pool.js';
import { tokenizedJson, type TokenizeReply, type TokenizeTask } from './tokenize.js';

serveTasks<TokenizeTask, TokenizeReply>(async ({ text, tokenizer, data, into }) => {
  process.env.TOKENLAB_DATA = data; // where user vocabularies are: the server's directory now
  const { body } = await tokenizedJson(text, tokenizer, into);
  // In the shared slot: only the length travels. Else the ArrayBuffer itself, moved (a Buffer view would be
  // serialized as a host object at more cost).
  if (into !== undefined && body.buffer === into.buffer) return { value: body.length };
  const own = body.buffer as ArrayBuffer;
  return { value: own, transfer: [own] };
});
