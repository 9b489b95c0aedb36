/**
 * A conversation counted for a tokenizer and chat format (src/chat): what POST /api/chat, the chat view and
 * `tokenlab chat` answer. The models' and tokenlab's own templates render here; a template the user pastes
 * renders in a worker thread stopped after RENDER_LIMIT_MS or at RENDER_HEAP_MB of heap, so a template that
 * loops or grows without end costs the server nothing but that.
 */
import { countConversation, prerendered, templateRenderer, type ChatCount, type Prerendered } from '../chat/conversation.js';
import type { ChatMessage } from '../chat/messages.js';
import { ChatTemplate, TemplateError } from '../chat/render.js';
import { chatSetup, type ChatFormatName, type ChatSetup } from '../store/chat-setups.js';
import { runOneShot } from './one-shot-worker.js';

export const RENDER_LIMIT_MS = 2_000;
const RENDER_HEAP_MB = 256;

/** harmony's reasoning efforts. */
export const REASONING_EFFORTS = ['low', 'medium', 'high'] as const;

/** Whether `s` is a date as the switches take it, YYYY-MM-DD: `isChatDate('2025-08-05')` is true. */
export function isChatDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s);
}

/** The switches a chat request may set; each is passed to the templates that read it. */
export interface ChatSwitches {
  /** Qwen3's thinking switch (`enable_thinking`); unset: the template's default (thinking on). */
  enableThinking?: boolean;
  /** harmony's reasoning effort: low, medium (the default) or high. */
  reasoningEffort?: (typeof REASONING_EFFORTS)[number];
  /** harmony's "Current date" (YYYY-MM-DD); unset: today. */
  date?: string;
}

export interface ChatRequest {
  tokenizer: string;
  messages: ChatMessage[];
  addGenerationPrompt: boolean;
  format?: ChatFormatName;
  /** The template of the "custom" format. */
  template?: string;
  /** Tool definitions (OpenAI's function schemas), the template's `tools`: Qwen3's lists them in its system prompt. */
  tools?: unknown[];
  switches?: ChatSwitches;
}

export interface ChatAnswer {
  setup: ChatSetup;
  count: ChatCount;
}

/** Counts the request's conversation; throws ChatError, TemplateError, or the registry's errors. */
export async function countChat(request: ChatRequest): Promise<ChatAnswer> {
  const setup = await chatSetup(request.tokenizer, request.format, request.template);
  const variables = { ...setup.variables, ...switchVariables(request.switches ?? {}), ...(request.tools ? { tools: request.tools } : {}) };
  const { messages, addGenerationPrompt } = request;
  const renderer =
    setup.format === 'custom'
      ? prerendered(await renderInSandbox(setup.template, messages, addGenerationPrompt, variables), addGenerationPrompt, messages.length)
      : templateRenderer(parsed(setup.template), messages, variables);
  return { setup, count: countConversation(renderer, setup.tokenizer, messages, addGenerationPrompt) };
}

function switchVariables(s: ChatSwitches): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.enableThinking !== undefined) out.enable_thinking = s.enableThinking;
  if (s.reasoningEffort !== undefined) out.reasoning_effort = s.reasoningEffort;
  if (s.date !== undefined) out.date = s.date;
  return out;
}

/** The trusted templates (the models' and tokenlab's), parsed once each. */
const parsedTemplates = new Map<string, ChatTemplate>();

function parsed(source: string): ChatTemplate {
  let t = parsedTemplates.get(source);
  if (t === undefined) parsedTemplates.set(source, (t = new ChatTemplate(source)));
  return t;
}

function renderInSandbox(
  template: string,
  messages: ChatMessage[],
  addGenerationPrompt: boolean,
  variables: Record<string, unknown>,
): Promise<Prerendered> {
  return runOneShot<Prerendered>(
    'chat-render-worker',
    import.meta.url,
    { template, messages, addGenerationPrompt, variables },
    'rendering the template',
    {
      timeoutMs: RENDER_LIMIT_MS,
      timeoutError: () => new TemplateError(`the template took longer than ${RENDER_LIMIT_MS / 1000} s to render`),
      heapMb: RENDER_HEAP_MB,
    },
  ).catch((e: Error) => {
    // The worker's errors come back by name; a template's is a TemplateError again, running out of heap is one too.
    if (e.name === 'TemplateError' || /out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(e.message)) {
      throw new TemplateError(e.name === 'TemplateError' ? e.message : `the template used more than ${RENDER_HEAP_MB} MB rendering`);
    }
    throw e;
  });
}
