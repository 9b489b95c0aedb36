/**
 * Conversations in a file, as `tokenlab chat` reads them: one JSON document (an array of messages, or an object
 * with "messages" and optionally "tools"), or JSON Lines with a conversation a line (OpenAI's chat fine-tuning
 * files: `{"messages": [...], "tools": [...]}` a line). Pure: the caller reads the file.
 */
import { ChatError, readMessages, type ChatMessage } from './messages.js';

export interface FileConversation {
  /** The line the conversation starts on (1 for a JSON document). */
  line: number;
  messages: ChatMessage[];
  /** The conversation's tool definitions, the templates' `tools`. */
  tools?: unknown[];
  /** Keys of a conversation object that are not part of a conversation and were left out ("id", "tokenizer"...). */
  ignored: string[];
}

/** The keys of a conversation object: OpenAI's fine-tuning lines carry parallel_tool_calls, which no template reads. */
const CONVERSATION_KEYS = ['messages', 'tools', 'parallel_tool_calls'];

/**
 * The conversations of `text`. JSON Lines when `jsonl` is set, or when `text` is not one JSON document but its
 * first line is (so a one-line JSONL file is one document unless `jsonl` says otherwise); blank lines are
 * skipped. Throws ChatError naming the line: `readConversations('[{"role":"user","content":"hi"}]\n[{"role":"robot",
 * "content":"hi"}]\n')` throws `line 2: message 1: unknown role "robot" (roles: system, user, assistant, tool)`.
 */
export function readConversations(text: string, jsonl = false): FileConversation[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') throw new ChatError('no conversation: the input is empty');
  if (!jsonl) {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (e) {
      if (!startsWithJsonLine(body)) throw new ChatError(`not valid JSON: ${(e as Error).message}`);
      return readLines(body);
    }
    return [conversationOf(doc, 1, '')];
  }
  return readLines(body);
}

function startsWithJsonLine(body: string): boolean {
  const lines = body.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  try {
    JSON.parse(lines[0]);
    return true;
  } catch {
    return false;
  }
}

function readLines(body: string): FileConversation[] {
  const out: FileConversation[] = [];
  body.split('\n').forEach((l, i) => {
    if (l.trim() === '') return;
    let doc: unknown;
    try {
      doc = JSON.parse(l);
    } catch (e) {
      throw new ChatError(`line ${i + 1}: not valid JSON: ${(e as Error).message}`);
    }
    out.push(conversationOf(doc, i + 1, `line ${i + 1}: `));
  });
  return out;
}

function conversationOf(doc: unknown, line: number, where: string): FileConversation {
  const isObject = typeof doc === 'object' && doc !== null && !Array.isArray(doc);
  const o = isObject ? (doc as Record<string, unknown>) : { messages: doc };
  if (isObject && o.messages === undefined) {
    throw new ChatError(`${where}a conversation is an array of messages or an object with "messages", and this object has none`);
  }
  let messages: ChatMessage[];
  try {
    messages = readMessages(o.messages);
  } catch (e) {
    if (e instanceof ChatError) throw new ChatError(`${where}${e.message}`);
    throw e;
  }
  if (o.tools !== undefined && !Array.isArray(o.tools)) throw new ChatError(`${where}"tools" must be an array of tool definitions`);
  return {
    line,
    messages,
    ...(o.tools === undefined ? {} : { tools: o.tools as unknown[] }),
    ignored: Object.keys(o).filter((k) => !CONVERSATION_KEYS.includes(k)),
  };
}
