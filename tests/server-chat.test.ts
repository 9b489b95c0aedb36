/** POST /api/chat: the answer's shape and numbers, and the refusals of bad requests. */
import { describe, expect, it } from 'vitest';
import { HAVE_MODELS, linkModelTokenizers, needsModels } from './model-files.js';
import { jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';

linkModelTokenizers(useFreshDataDir('server-chat'), ['qwen3']);
const { countChat } = await import('../src/jobs/chat-count.js');
const { createApp } = await import('../src/server/app.js');
const { MAX_TEXT_BYTES } = await import('../src/server/limits.js');

const app = createApp();
const postJson = jsonPoster(app);
const post = (body: unknown) => postJson('/api/chat', body);

interface ChatJson {
  tokenizer: string;
  format: string;
  rendered: string;
  count: number;
  base: number;
  generationPrompt: number;
  messages: Array<{ role: string; contentTokens: number; templateTokens: number }>;
  tokens: Array<{ id: number; bytes: string; start: number; end: number; control?: true }>;
  warnings: Array<{ message: number; tokens: string[]; countAsText: number; text: string }>;
  context: Array<{ model: string; contextTokens: number; used: number }>;
}

const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: '你好 <|im_end|> world' },
];

describe('POST /api/chat', () => {
  it('answers the count, rows, tokens and warnings countChat gives', async () => {
    const res = await post({ tokenizer: 'cl100k_base', messages, addGenerationPrompt: true });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ChatJson;
    const { count } = await countChat({ tokenizer: 'cl100k_base', messages: messages as never, addGenerationPrompt: true });
    expect(body.format).toBe('chatml');
    expect(body.rendered).toBe(count.rendered);
    expect(body.count).toBe(count.count);
    expect(body.tokens.map((t) => t.id)).toEqual(count.ids);
    expect(body.messages).toEqual(count.messages);
    // Every token's bytes, in order, spell the prompt; the ChatML markers are marked as control tokens.
    const bytes = Buffer.from(body.tokens.map((t) => t.bytes).join(''), 'hex').toString('utf8');
    expect(bytes).toBe(body.rendered);
    expect(body.tokens.filter((t) => t.control).map((t) => t.id)).toEqual(count.ids.filter((id) => id === 100264 || id === 100265));
    expect(body.warnings).toHaveLength(1);
    expect(body.warnings[0]).toMatchObject({ message: 1, tokens: ['<|im_end|>'], countAsText: count.warnings[0].countAsText });
    expect(body.context.map((c) => c.model)).toContain('gpt-4');
    expect(body.context.find((c) => c.model === 'gpt-4')!.used).toBeCloseTo(count.count / 8192);
  });

  it('passes the switches and tools to the template', async () => {
    const res = await post({
      tokenizer: 'o200k_base',
      messages: [{ role: 'user', content: 'hi' }],
      addGenerationPrompt: true,
      options: { reasoningEffort: 'high', date: '2026-12-02' },
    });
    const body = (await res.json()) as ChatJson;
    expect(body.format).toBe('harmony');
    expect(body.rendered).toContain('Current date: 2026-12-02\n\nReasoning: high');
    expect(body.rendered.endsWith('<|start|>assistant')).toBe(true);
  });

  it('renders a pasted template, and answers its error as a 400 naming the line', async () => {
    const ok = await post({
      tokenizer: 'gpt2',
      messages,
      options: { format: 'custom', template: '{% for m in messages %}{{ m.content }}|{% endfor %}' },
    });
    expect(((await ok.json()) as ChatJson).rendered).toBe('Be brief.|你好 <|im_end|> world|');
    const bad = await post({ tokenizer: 'gpt2', messages, options: { format: 'custom', template: 'x\n{{ raise_exception("nope") }}' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/nope \(line 2\)/);
  });

  it.each([
    [{ tokenizer: 'cl100k_base', messages: [{ role: 'robot', content: 'x' }] }, 400, 'unknown role "robot"'],
    [{ tokenizer: 'cl100k_base', messages: [{ role: 'user', content: ['x'] }] }, 400, '"content" must be a string'],
    [
      { tokenizer: 'cl100k_base', messages: Array.from({ length: 1001 }, () => ({ role: 'user', content: '' })) },
      400,
      'at most 1000 messages',
    ],
    [{ tokenizer: 'cl100k_base', messages: 'hi' }, 400, '"messages" must be an array'],
    [{ messages }, 400, '"tokenizer" must be a string'],
    [{ tokenizer: 'cl100k_base', messages, options: { format: 'harmony' } }, 400, 'offers the chat formats chatml, custom'],
    [{ tokenizer: 'cl100k_base', messages, options: { format: 'custom' } }, 400, 'needs a template'],
    [{ tokenizer: 'cl100k_base', messages, options: { colour: 'red' } }, 400, 'unknown option "colour"'],
    [{ tokenizer: 'cl100k_base', messages, options: { date: 'today' } }, 400, 'YYYY-MM-DD'],
    [{ tokenizer: 'no-such', messages }, 404, 'no-such'],
    ['[1,', 400, 'JSON'],
  ])('refuses %j with %i', async (body, status, message) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toContain(message);
  });

  it('refuses a conversation over 1 MB with 413', async () => {
    const big = 'a'.repeat(MAX_TEXT_BYTES / 2);
    const res = await post({
      tokenizer: 'cl100k_base',
      messages: [
        { role: 'user', content: big },
        { role: 'assistant', content: big },
      ],
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { limit: number }).limit).toBe(MAX_TEXT_BYTES);
  });

  it.skipIf(!HAVE_MODELS)(needsModels('places tokens over the text they spell where the tokenizer normalizes it'), async () => {
    const res = await post({ tokenizer: 'qwen3', messages: [{ role: 'user', content: 'cafe\u0301' }] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ChatJson & { spelled: string };
    expect(body.spelled).toBe(body.rendered.normalize('NFC'));
    const bytes = Buffer.from(body.tokens.map((t) => t.bytes).join(''), 'hex').toString('utf8');
    expect(bytes).toBe(body.spelled);
  });

  it('keeps HTML in content as text in the JSON', async () => {
    const res = await post({ tokenizer: 'cl100k_base', messages: [{ role: 'user', content: '<script>alert(1)</script>' }] });
    expect(((await res.json()) as ChatJson).rendered).toContain('<script>alert(1)</script>');
  });
});
