import { workerData } from 'node:worker_threads';
import { prerender, templateRenderer } from '../chat/conversation.js';
import type { ChatMessage } from '../chat/messages.js';
import { ChatTemplate } from '../chat/render.js';
import { replyWith } from './one-shot-worker.js';

/** Renders a pasted template in this worker thread, which chat-count.ts stops if it takes too long. */
const { template, messages, addGenerationPrompt, variables } = workerData as {
  template: string;
  messages: ChatMessage[];
  addGenerationPrompt: boolean;
  variables: Record<string, unknown>;
};
await replyWith(() => prerender(templateRenderer(new ChatTemplate(template), messages, variables), messages.length, addGenerationPrompt));
