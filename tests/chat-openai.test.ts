/**
 * Chat mode's OpenAI formats against gpt-tokenizer's encodeChat, the peer that implements both: ChatML for
 * gpt-3.5-turbo (cl100k_base; OpenAI's chatml.md) and harmony for gpt-oss (o200k_harmony). gpt-tokenizer
 * encodes each header and content apart; the model reads the prompt as one text, which tokenlab encodes. The
 * two agree wherever no piece of text crosses from a header into a content, as in these conversations.
 */
import { describe, expect, it } from 'vitest';
import * as gpt35 from 'gpt-tokenizer/model/gpt-3.5-turbo';
import * as gptOss from 'gpt-tokenizer/model/gpt-oss-20b';
import type { ChatMessage } from '../src/chat/messages.js';
import { countChat } from '../src/jobs/chat-count.js';
import { CONVERSATIONS } from './chat-conversations.js';

type HarmonyMessage = Parameters<typeof gptOss.encodeChat>[0][number];

const HARMONY_SYSTEM = (date: string, effort: string): string =>
  'You are ChatGPT, a large language model trained by OpenAI.\nKnowledge cutoff: 2024-06\n' +
  `Current date: ${date}\n\nReasoning: ${effort}\n\n# Valid channels: analysis, commentary, final. Channel must be included for every message.`;

/** The messages of harmony's document for a conversation: its system message, the system prompt as the developer's. */
function harmonyMessages(messages: readonly ChatMessage[], date: string, effort: string): HarmonyMessage[] {
  return [
    { role: 'system', content: HARMONY_SYSTEM(date, effort) },
    ...messages.map((m): HarmonyMessage => {
      const content = m.content ?? '';
      if (m.role === 'system') return { role: 'developer', content: `# Instructions\n\n${content}` };
      if (m.role === 'assistant') return { role: 'assistant', channel: 'final', content };
      if (m.role === 'tool')
        return {
          role: 'tool',
          name: `functions.${m.name}`,
          recipient: 'assistant',
          recipientPlacement: 'role',
          channel: 'commentary',
          content,
        };
      return { role: m.role, content };
    }),
  ];
}

describe('ChatML on cl100k_base', () => {
  it.each(Object.keys(CONVERSATIONS))('%s: the ids of gpt-tokenizer’s gpt-3.5-turbo chat', async (title) => {
    const messages = CONVERSATIONS[title];
    const { setup, count } = await countChat({ tokenizer: 'cl100k_base', messages, addGenerationPrompt: true });
    expect(setup.format).toBe('chatml');
    expect(count.ids).toEqual(gpt35.encodeChat(messages.map((m) => ({ role: m.role, content: m.content ?? '' }))));
  });
});

describe('harmony on o200k_base', () => {
  const tool: ChatMessage[] = [
    { role: 'user', content: 'Weather in Tokyo?' },
    { role: 'tool', name: 'get_weather', content: '{"temperature": 20}' },
  ];
  it.each([...Object.keys(CONVERSATIONS), 'tool output'])('%s: the ids of gpt-tokenizer’s gpt-oss chat', async (title) => {
    const messages = CONVERSATIONS[title] ?? tool;
    for (const effort of ['low', 'high'] as const) {
      const { setup, count } = await countChat({
        tokenizer: 'o200k_base',
        messages,
        addGenerationPrompt: true,
        switches: { date: '2025-06-28', reasoningEffort: effort },
      });
      expect(setup.format).toBe('harmony');
      expect(count.ids).toEqual(gptOss.encodeChat(harmonyMessages(messages, '2025-06-28', effort)));
    }
  });

  it('writes today’s date when none is given', async () => {
    const { count } = await countChat({ tokenizer: 'o200k_base', messages: [{ role: 'user', content: 'hi' }], addGenerationPrompt: false });
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    expect(count.rendered).toContain(`Current date: ${today}\n`);
  });
});
