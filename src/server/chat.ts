/**
 * Chat mode's requests (POST /api/chat, the chat view): a request's JSON checked into a ChatRequest. The answer's
 * JSON is src/jobs/chat-json.ts's, which `tokenlab chat --json` prints too.
 */
import { conversationBytes, readMessages } from '../chat/messages.js';
import { isChatDate, REASONING_EFFORTS, type ChatRequest, type ChatSwitches } from '../jobs/chat-count.js';
import { CHAT_FORMATS, type ChatFormatName } from '../store/chat-setups.js';
import { RequestError } from './errors.js';
import { MAX_TEXT_BYTES } from './limits.js';

export const CHAT_EXAMPLE = '{"tokenizer": "qwen3", "messages": [{"role": "user", "content": "你好"}], "addGenerationPrompt": true}';

/** A request body as a ChatRequest; RequestError (400) naming the first fault, 413 over the 1 MB limit. */
export function readChatRequest(body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RequestError(400, `the body must be a JSON object like ${CHAT_EXAMPLE}`);
  const o = body as Record<string, unknown>;
  if (typeof o.tokenizer !== 'string') throw new RequestError(400, '"tokenizer" must be a string (GET /api/tokenizers lists them)');
  const messages = readMessages(o.messages);
  const bytes = conversationBytes(messages);
  if (bytes > MAX_TEXT_BYTES) {
    throw new RequestError(413, `the conversation is ${bytes} bytes; the limit is ${MAX_TEXT_BYTES} bytes (1 MB)`, {
      bytes,
      limit: MAX_TEXT_BYTES,
    });
  }
  if (o.addGenerationPrompt !== undefined && typeof o.addGenerationPrompt !== 'boolean')
    throw new RequestError(400, '"addGenerationPrompt" must be true or false');
  const options = o.options ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new RequestError(400, '"options" must be an object');
  const { format, template, ...switches } = options as Record<string, unknown>;
  if (format !== undefined && !(CHAT_FORMATS as readonly unknown[]).includes(format)) {
    throw new RequestError(400, `"options.format" must be one of ${CHAT_FORMATS.join(', ')}`);
  }
  if (template !== undefined && typeof template !== 'string') throw new RequestError(400, '"options.template" must be a string');
  if (o.tools !== undefined && !Array.isArray(o.tools)) throw new RequestError(400, '"tools" must be an array of tool definitions');
  return {
    tokenizer: o.tokenizer,
    messages,
    addGenerationPrompt: o.addGenerationPrompt === true,
    format: format as ChatFormatName | undefined,
    template: template as string | undefined,
    ...(o.tools === undefined ? {} : { tools: o.tools as unknown[] }),
    switches: readSwitches(switches),
  };
}

function readSwitches(o: Record<string, unknown>): ChatSwitches {
  const known = ['enableThinking', 'reasoningEffort', 'date'];
  const unknown = Object.keys(o).find((k) => !known.includes(k));
  if (unknown !== undefined)
    throw new RequestError(400, `unknown option ${JSON.stringify(unknown)} (options: format, template, ${known.join(', ')})`);
  const s: ChatSwitches = {};
  if (o.enableThinking !== undefined) {
    if (typeof o.enableThinking !== 'boolean') throw new RequestError(400, '"options.enableThinking" must be true or false');
    s.enableThinking = o.enableThinking;
  }
  if (o.reasoningEffort !== undefined) {
    if (!(REASONING_EFFORTS as readonly unknown[]).includes(o.reasoningEffort))
      throw new RequestError(400, '"options.reasoningEffort" must be low, medium or high');
    s.reasoningEffort = o.reasoningEffort as ChatSwitches['reasoningEffort'];
  }
  if (o.date !== undefined) {
    if (typeof o.date !== 'string' || !isChatDate(o.date)) throw new RequestError(400, '"options.date" must be a date, YYYY-MM-DD');
    s.date = o.date;
  }
  return s;
}
