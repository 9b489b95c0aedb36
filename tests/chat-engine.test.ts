/**
 * Chat mode's engine: messages checked, template errors that name the line, the sandbox for pasted templates,
 * per-message shares that add up to the total, and control tokens cut as tiktoken cuts them.
 */
import fc from 'fast-check';
import { get_encoding } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { chatTokenizer } from '../src/chat/chat-encoder.js';
import { BUILT_IN_FORMATS } from '../src/chat/formats.js';
import { ChatError, MAX_MESSAGES, readMessages, type ChatMessage } from '../src/chat/messages.js';
import { ChatTemplate, TemplateError } from '../src/chat/render.js';
import { countChat, RENDER_LIMIT_MS } from '../src/jobs/chat-count.js';
import { tiktokenEncoding } from '../src/store/tokenizers.js';

describe('readMessages', () => {
  it.each([
    [{ role: 'user', content: 'x' }, '"messages" must be an array'],
    [[{ role: 'robot', content: 'x' }], 'message 1: unknown role "robot"'],
    [
      [
        { role: 'user', content: 'x' },
        { role: 'user', content: 3 },
      ],
      'message 2: "content" must be a string',
    ],
    [[{ role: 'user', content: null }], 'message 1: "content" must be a string (null only beside "tool_calls"), not null'],
    [[{ role: 'user', content: 'x', tool_calls: [] }], '"tool_calls" must be an array, on an assistant message'],
    [[{ role: 'assistant', content: 'x', name: 7 }], '"name" must be a string'],
    [['hello'], 'message 1: must be an object'],
    [
      Array.from({ length: MAX_MESSAGES + 1 }, () => ({ role: 'user', content: '' })),
      `at most ${MAX_MESSAGES} messages, not ${MAX_MESSAGES + 1}`,
    ],
  ])('refuses %j', (json, message) => {
    expect(() => readMessages(json)).toThrow(ChatError);
    expect(() => readMessages(json)).toThrow(message);
  });

  it('keeps the fields templates read, and nothing else', () => {
    const m = readMessages([{ role: 'assistant', content: null, tool_calls: [{ id: 1 }], reasoning_content: 'r', extra: 'dropped' }]);
    expect(m).toEqual([{ role: 'assistant', content: null, tool_calls: [{ id: 1 }], reasoning_content: 'r' }]);
  });
});

describe('template errors', () => {
  it('name the line of a syntax error', () => {
    expect(() => new ChatTemplate('a\n{% if x %}\nb\n{% endfor %}')).toThrow(/Unknown statement type: endfor \(line 4\)/);
    expect(() => new ChatTemplate('line1\n{{ foo( }}')).toThrow(/\(line 2\)/);
  });

  it('name the line of raise_exception and of a failing filter', () => {
    const raising = new ChatTemplate(
      '{% for m in messages %}\n{% if m.role == "tool" %}\n{{ raise_exception("no tools here") }}\n{% endif %}\n{% endfor %}',
    );
    expect(() => raising.render([{ role: 'tool', content: 'x' }], false)).toThrow(/no tools here \(line 3\)/);
    const trimming = new ChatTemplate('{{ bos }}\n{{ messages[0].content | trim }}');
    expect(() => trimming.render([{ role: 'assistant', content: null, tool_calls: [] }], false)).toThrow(/trim.*\(line 2\)/);
  });
});

describe('a pasted template', () => {
  const messages: ChatMessage[] = [{ role: 'user', content: 'hi' }];
  const custom = (template: string) =>
    countChat({ tokenizer: 'cl100k_base', messages, addGenerationPrompt: false, format: 'custom', template });

  it('that never ends is stopped after the time limit', async () => {
    const t0 = Date.now();
    await expect(custom('{% for i in range(1000000000) %}{{ i }}{% endfor %}')).rejects.toThrow(
      `took longer than ${RENDER_LIMIT_MS / 1000} s`,
    );
    expect(Date.now() - t0).toBeLessThan(RENDER_LIMIT_MS + 5_000);
  });

  it('that grows without end is refused', async () => {
    const growing = "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}";
    await expect(custom(growing)).rejects.toThrow(TemplateError);
  });

  it('reaches nothing outside its variables', async () => {
    const probe = "{{ messages.constructor }}|{{ ''.__class__ }}|{{ messages.__proto__ }}|{{ process }}|{{ globalThis }}";
    const { count } = await custom(probe);
    expect(count.rendered).toBe('||||');
  });

  it('renders like any other, counted in the worker and here', async () => {
    const { count } = await custom('{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}');
    expect(count.rendered).toBe('[user] hi\n');
    expect(count.ids).toEqual(tiktokenEncoding('cl100k_base').encodeOrdinary('[user] hi\n'));
  });
});

describe('per-message shares', () => {
  const roles = ['system', 'user', 'assistant'] as const;
  const messages = fc.array(
    fc.record({
      role: fc.constantFrom(...roles),
      content: fc.string({ unit: fc.constantFrom('a', ' ', '\n', '好', '🙂', '<|im_end|>', 'x y', '1') }),
    }),
    { maxLength: 6 },
  );
  it.each([
    ['cl100k_base', 'chatml'],
    ['o200k_base', 'harmony'],
    ['r50k_base', 'plain'],
    ['r50k_base', 'chatml'],
  ] as const)('%s with %s: base, shares and generation prompt add up to the count', async (tokenizer, format) => {
    await fc.assert(
      fc.asyncProperty(messages, fc.boolean(), async (msgs, addGenerationPrompt) => {
        const { count } = await countChat({ tokenizer, messages: msgs, addGenerationPrompt, format, switches: { date: '2026-01-01' } });
        const shares = count.messages.reduce((n, m) => n + m.contentTokens + m.templateTokens!, 0);
        expect(count.base! + shares + count.generationPrompt!).toBe(count.count);
        expect(count.parts.map((p) => p.text).join('')).toBe(count.rendered);
      }),
      { numRuns: 40 },
    );
  });
});

describe('the rendered prompt’s parts', () => {
  it('find a content in what its message adds, not in template text before it', async () => {
    const { count } = await countChat({
      tokenizer: 'o200k_base',
      messages: [{ role: 'user', content: 'hi' }],
      addGenerationPrompt: true,
      switches: { reasoningEffort: 'high' },
    });
    const content = count.parts.filter((p) => p.kind === 'content');
    expect(content).toEqual([{ kind: 'content', text: 'hi', message: 0 }]);
    const before = count.parts
      .slice(0, count.parts.indexOf(content[0]))
      .map((p) => p.text)
      .join('');
    expect(before.endsWith('<|start|>user<|message|>')).toBe(true);
  });
});

describe('control tokens beside a tiktoken encoding', () => {
  const extended = get_encoding('cl100k_base', { '<|im_start|>': 100264, '<|im_end|>': 100265 });
  afterAll(() => extended.free());
  const ours = chatTokenizer(tiktokenEncoding('cl100k_base'), BUILT_IN_FORMATS.chatml.specials);
  it('cut the text as tiktoken does with the same special tokens, all allowed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('<|im_start|>', '<|im_end|>', '<|endoftext|>', '<|im_', 'a', ' ', '\n', '好', '|>') }),
        (text) => {
          expect(ours.encodeControl(text)).toEqual(Array.from(extended.encode(text, 'all')));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('give their text as their bytes', () => {
    expect(new TextDecoder().decode(ours.decodeBytes([100264, 882, 100265]))).toBe('<|im_start|>user<|im_end|>');
  });
});
