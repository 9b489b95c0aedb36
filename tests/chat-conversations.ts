/** Conversations the chat tests count: Chinese and English, empty messages, with a system prompt or none, tools. */
import type { ChatMessage } from '../src/chat/messages.js';

const TOOL_CALL = { type: 'function', function: { name: 'get_weather', arguments: '{"city": "北京"}' } };

export const CONVERSATIONS: Record<string, ChatMessage[]> = {
  'one user message': [{ role: 'user', content: '你好，请用一句话介绍深度学习。' }],
  'system, then turns in both languages': [
    { role: 'system', content: 'You are a concise assistant. 回答要简短。' },
    { role: 'user', content: 'What is 梯度下降 (gradient descent)?' },
    { role: 'assistant', content: 'An optimisation method: 沿负梯度方向更新参数。' },
    { role: 'user', content: 'And the learning rate?\n\nExplain with $\\eta = 0.01$ 🙂' },
  ],
  'empty messages': [
    { role: 'user', content: '' },
    { role: 'assistant', content: '' },
    { role: 'user', content: ' ' },
  ],
  'no system, multi-turn with spaces kept': [
    { role: 'user', content: '  leading and trailing spaces  ' },
    { role: 'assistant', content: 'Noted.\n' },
    { role: 'user', content: '再见' },
  ],
  'reasoning in the content': [
    { role: 'user', content: '1+1?' },
    { role: 'assistant', content: '<think>\nsimple arithmetic\n</think>\n\n2' },
    { role: 'user', content: '2+2?' },
  ],
};

/**
 * A tool call and its result, for the templates that render them: DeepSeek-V3's wants the call's content null
 * (as OpenAI's API gives it), Qwen3's a string (it looks for </think> in it).
 */
export function toolConversation(content: '' | null): ChatMessage[] {
  return [
    { role: 'user', content: '北京天气如何？' },
    { role: 'assistant', content, tool_calls: [TOOL_CALL] },
    { role: 'tool', content: '{"temperature": 20, "sky": "晴"}' },
  ];
}

export const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: '查询城市天气 (weather of a city)',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];
