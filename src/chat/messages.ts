/**
 * A conversation as chat templates read it: OpenAI-style messages `{"role", "content"}`, with the fields the
 * open models' templates also read (`tool_calls` on an assistant message, `reasoning_content`, a tool's
 * `name`). `readMessages` checks what a request or a file gives and throws ChatError naming the first fault.
 */

/** The roles a message may have. */
export const CHAT_ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

export interface ChatMessage {
  role: ChatRole;
  /** The text; null only on an assistant message that carries tool_calls instead. */
  content: string | null;
  /** A tool message's tool (harmony's `functions.NAME`), or a message's author name. */
  name?: string;
  /** The calls an assistant message makes, as OpenAI's API gives them (templates render them). */
  tool_calls?: unknown[];
  /** An assistant message's reasoning, which Qwen3's template renders in <think> tags. */
  reasoning_content?: string;
}

/** The most messages one conversation may have. */
export const MAX_MESSAGES = 1000;

/** A conversation the lab cannot count: the message says what is wrong and where. */
export class ChatError extends Error {
  override name = 'ChatError';
}

/**
 * The messages of `json` (an array), checked: `readMessages([{role: 'user', content: 'hi'}])` gives them back;
 * `[{role: 'robot', content: 'hi'}]` throws `message 1: unknown role "robot" (roles: system, user, assistant, tool)`.
 */
export function readMessages(json: unknown): ChatMessage[] {
  if (!Array.isArray(json)) throw new ChatError(`"messages" must be an array of {"role", "content"} objects`);
  if (json.length > MAX_MESSAGES) throw new ChatError(`a conversation has at most ${MAX_MESSAGES} messages, not ${json.length}`);
  return json.map((m, i) => readMessage(m, `message ${i + 1}`));
}

function readMessage(m: unknown, where: string): ChatMessage {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new ChatError(`${where}: must be an object with "role" and "content"`);
  const o = m as Record<string, unknown>;
  if (!(CHAT_ROLES as readonly unknown[]).includes(o.role)) {
    throw new ChatError(`${where}: unknown role ${JSON.stringify(o.role)} (roles: ${CHAT_ROLES.join(', ')})`);
  }
  const role = o.role as ChatRole;
  const toolCalls = o.tool_calls;
  if (toolCalls !== undefined && (role !== 'assistant' || !Array.isArray(toolCalls))) {
    throw new ChatError(`${where}: "tool_calls" must be an array, on an assistant message`);
  }
  if (typeof o.content !== 'string' && !(o.content === null && toolCalls !== undefined)) {
    throw new ChatError(`${where}: "content" must be a string (null only beside "tool_calls"), not ${describe(o.content)}`);
  }
  const out: ChatMessage = { role, content: o.content as string | null };
  for (const key of ['name', 'reasoning_content'] as const) {
    if (o[key] === undefined) continue;
    if (typeof o[key] !== 'string') throw new ChatError(`${where}: "${key}" must be a string`);
    out[key] = o[key];
  }
  if (toolCalls !== undefined) out.tool_calls = toolCalls as unknown[];
  return out;
}

function describe(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
}

/** The UTF-8 size of everything a conversation's messages hold (contents and the other fields, as JSON). */
export function conversationBytes(messages: readonly ChatMessage[]): number {
  return Buffer.byteLength(JSON.stringify(messages));
}
