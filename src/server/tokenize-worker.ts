/** A thread of the tokenize pool (tokenize.ts): answers POST /api/tokenize's work with the JSON as bytes. */
import { serveTasks } from '../jobs/worker-pool.js';
import { tokenizedJson, type TokenizeTask } from './tokenize.js';

serveTasks<TokenizeTask, ArrayBuffer>(async ({ text, tokenizer, data }) => {
  process.env.TOKENLAB_DATA = data; // where user vocabularies are: the server's directory now
  const { body } = await tokenizedJson(text, tokenizer);
  // The ArrayBuffer itself, moved: a Buffer view would be serialized as a host object at more cost.
  return { value: body.buffer, transfer: [body.buffer] };
});
