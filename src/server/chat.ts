/**
 * Chat mode's requests and answers (POST /api/chat, the chat view): a request's JSON checked into a ChatRequest,
 * and the count (src/jobs/chat-count.ts) as the API's JSON.
 */
import { hexBytes } from '../../views/hex.js';
import { tokenSpans } from '../bpe/offsets/spans.js';
import { MODEL_CARDS } from '../chat/model-cards.js';
import { conversationBytes, readMessages } from '../chat/messages.js';
import type { ChatAnswer, ChatRequest, ChatSwitches } from '../jobs/chat-count.js';
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
    if (!['low', 'medium', 'high'].includes(o.reasoningEffort as string))
      throw new RequestError(400, '"options.reasoningEffort" must be low, medium or high');
    s.reasoningEffort = o.reasoningEffort as ChatSwitches['reasoningEffort'];
  }
  if (o.date !== undefined) {
    if (typeof o.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(o.date))
      throw new RequestError(400, '"options.date" must be a date, YYYY-MM-DD');
    s.date = o.date;
  }
  return s;
}

/** The API's answer: the prompt, its count, the rows per message, each token, the warnings, the context used. */
export function chatJson({ setup, count }: ChatAnswer): Record<string, unknown> {
  const spans = tokenSpans(count.rendered, count.ids, setup.tokenizer);
  const controlIds = new Set(setup.tokenizer.controls.values());
  return {
    tokenizer: setup.tokenizerName,
    format: setup.format,
    template: { label: setup.label, appliesTo: setup.appliesTo },
    rendered: count.rendered,
    count: count.count,
    base: count.base,
    generationPrompt: count.generationPrompt,
    messages: count.messages,
    ...(count.sharesNote === undefined ? {} : { messagesNote: count.sharesNote }),
    tokens: spans.map((s) => ({
      id: s.id,
      bytes: hexBytes(setup.tokenizer.tokenBytes(s.id), ''),
      start: s.start,
      end: s.end,
      ...(controlIds.has(s.id) ? { control: true } : {}),
    })),
    warnings: count.warnings.map((w) => ({
      message: w.message,
      tokens: w.tokens,
      countAsText: w.countAsText,
      text: `message ${w.message + 1} contains ${w.tokens.join(', ')}, read as control tokens as the model reads them; as plain text the prompt would be ${w.countAsText} tokens, not ${count.count}`,
    })),
    context: (MODEL_CARDS[setup.tokenizerName] ?? []).map((card) => ({ ...card, used: count.count / card.contextTokens })),
  };
}
