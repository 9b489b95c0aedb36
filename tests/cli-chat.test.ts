/**
 * `tokenlab chat`: --json prints POST /api/chat's answer for the same conversation, --count on JSON Lines gives
 * countChat's count a line and their sum, the summary's rows, and bad input refused with the line named.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../src/chat/messages.js';
import { countChat } from '../src/jobs/chat-count.js';
import { createApp } from '../src/server/app.js';
import { CONVERSATIONS, TOOLS, toolConversation } from './chat-conversations.js';
import { runTokenlab } from './cli-run.js';
import { HAVE_MODELS, linkModelTokenizers, needsModels } from './model-files.js';
import { jsonPoster } from './requests.js';
import { useFreshDataDir } from './shared.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenlab-cli-chat-'));
let files = 0;

/** `text` in a file of its own; its path. */
function file(text: string, ext = 'json'): string {
  const path = join(dir, `${files++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

const post = jsonPoster(createApp());

async function apiAnswer(body: Record<string, unknown>): Promise<unknown> {
  const res = await post('/api/chat', body);
  expect(res.status).toBe(200);
  return res.json();
}

/** A conversation whose last message holds ChatML's end marker as text: the answer carries a warning. */
const WITH_MARKER: ChatMessage[] = [
  ...CONVERSATIONS['system, then turns in both languages'],
  { role: 'assistant', content: 'ok<|im_end|>' },
];

beforeAll(() => {
  const data = useFreshDataDir('cli-chat');
  linkModelTokenizers(data, ['qwen3']);
});

describe('tokenlab chat --json', () => {
  it('prints the API answer for the same conversation (cl100k_base, ChatML, a control-text warning)', async () => {
    const r = await runTokenlab([
      'chat',
      '--tokenizer',
      'cl100k_base',
      '--file',
      file(JSON.stringify(WITH_MARKER)),
      '--add-generation-prompt',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const api = (await apiAnswer({ tokenizer: 'cl100k_base', messages: WITH_MARKER, addGenerationPrompt: true })) as {
      warnings: unknown[];
    };
    expect(api.warnings).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual(api);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/warning: message 5 contains <\|im_end\|>/);
  });

  it('passes the switches as the API options do (o200k_base, harmony, --date, --reasoning-effort)', async () => {
    const messages = CONVERSATIONS['no system, multi-turn with spaces kept'];
    const r = await runTokenlab(
      ['chat', '--tokenizer', 'o200k_base', '--date', '2025-08-05', '--reasoning-effort', 'high', '--json'],
      JSON.stringify({ messages }),
    );
    expect(r.stderr).toBe('');
    const api = await apiAnswer({ tokenizer: 'o200k_base', messages, options: { date: '2025-08-05', reasoningEffort: 'high' } });
    expect(JSON.parse(r.stdout)).toEqual(api);
    expect(JSON.parse(r.stdout).rendered).toContain('Current date: 2025-08-05\n\nReasoning: high');
  });

  it('prints a line a conversation, with its line, then the total, for JSON Lines', async () => {
    const a = CONVERSATIONS['one user message'];
    const b = CONVERSATIONS['empty messages'];
    const jsonl = `${JSON.stringify({ messages: a })}\n\n${JSON.stringify(b)}\n`;
    const r = await runTokenlab(['chat', '--tokenizer', 'cl100k_base', '--file', file(jsonl, 'jsonl'), '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({ line: 1, ...((await apiAnswer({ tokenizer: 'cl100k_base', messages: a })) as object) });
    expect(lines[1]).toEqual({ line: 3, ...((await apiAnswer({ tokenizer: 'cl100k_base', messages: b })) as object) });
    expect(lines[2]).toEqual({ total: (lines[0].count as number) + (lines[1].count as number), conversations: 2 });
  });

  it.skipIf(!HAVE_MODELS)(needsModels('prints the API answer for qwen3 with tools and --thinking off'), async () => {
    const messages = toolConversation('');
    const r = await runTokenlab(
      ['chat', '--tokenizer', 'qwen3', '--add-generation-prompt', '--thinking', 'off', '--json'],
      JSON.stringify({ messages, tools: TOOLS }),
    );
    expect(r.stderr).toBe('');
    const api = (await apiAnswer({
      tokenizer: 'qwen3',
      messages,
      tools: TOOLS,
      addGenerationPrompt: true,
      options: { enableThinking: false },
    })) as { rendered: string };
    expect(JSON.parse(r.stdout)).toEqual(api);
    expect(api.rendered).toContain('get_weather');
    expect(api.rendered.endsWith('<think>\n\n</think>\n\n')).toBe(true);
  });
});

describe('tokenlab chat --count', () => {
  const lines = Object.values(CONVERSATIONS);

  it("gives countChat's count for each JSON Lines conversation, then their sum", async () => {
    const jsonl = lines.map((m, i) => JSON.stringify(i % 2 ? m : { messages: m })).join('\n');
    const r = await runTokenlab(['chat', '--tokenizer', 'cl100k_base', '--count', '--add-generation-prompt'], jsonl);
    expect(r.stderr).toBe('');
    const expected: number[] = [];
    for (const messages of lines)
      expected.push((await countChat({ tokenizer: 'cl100k_base', messages, addGenerationPrompt: true })).count.count);
    expect(r.stdout).toBe([...expected, expected.reduce((a, b) => a + b)].map((n) => `${n}\n`).join(''));
  });

  it('reads a one-line file as JSON Lines with --jsonl (a count, then the total)', async () => {
    const one = JSON.stringify(lines[0]);
    const plain = await runTokenlab(['chat', '--tokenizer', 'cl100k_base', '--count'], one);
    const jsonl = await runTokenlab(['chat', '--tokenizer', 'cl100k_base', '--count', '--jsonl'], one);
    const n = plain.stdout.trim();
    expect(n).toMatch(/^[0-9]+$/);
    expect(jsonl.stdout).toBe(`${n}\n${n}\n`);
  });

  it.skipIf(!HAVE_MODELS)(needsModels("gives countChat's counts for qwen3 (its template drops earlier reasoning)"), async () => {
    const jsonl = lines.map((m) => JSON.stringify(m)).join('\n');
    const r = await runTokenlab(['chat', '--tokenizer', 'qwen3', '--count'], jsonl);
    const expected: number[] = [];
    for (const messages of lines)
      expected.push((await countChat({ tokenizer: 'qwen3', messages, addGenerationPrompt: false })).count.count);
    expect(r.stdout.trim().split('\n').map(Number)).toEqual([...expected, expected.reduce((a, b) => a + b)]);
  });
});

describe('tokenlab chat (summary)', () => {
  it('shows a row per message whose shares add up to the total', async () => {
    const messages = CONVERSATIONS['system, then turns in both languages'];
    const r = await runTokenlab(['chat', '--tokenizer', 'cl100k_base', '--add-generation-prompt'], JSON.stringify(messages));
    expect(r.code).toBe(0);
    const { count } = await countChat({ tokenizer: 'cl100k_base', messages, addGenerationPrompt: true });
    expect(r.stdout).toMatch(new RegExp(`^cl100k_base, ChatML \\(chatml\\): ${count.count} tokens\n`));
    const rows = r.stdout.split('\n').filter((l) => /^\d+ /.test(l));
    expect(rows.map((l) => l.split(/\s+/))).toEqual(
      count.messages.map((m, i) => [
        String(i + 1),
        m.role,
        String(m.contentTokens),
        String(m.templateTokens),
        String(m.contentTokens + m.templateTokens!),
      ]),
    );
    expect(r.stdout).toMatch(new RegExp(`\\(generation prompt\\)\\s+${count.generationPrompt}\\s+${count.generationPrompt}\n`));
    expect(r.stdout).toMatch(new RegExp(`total\\s+\\d+\\s+\\d+\\s+${count.count}\n`));
    expect(r.stdout).toContain('of the context of gpt-4 (8,192 tokens)');
  });

  it('gives a line a conversation for JSON Lines, and warns of keys it leaves out', async () => {
    const jsonl = `${JSON.stringify({ messages: CONVERSATIONS['one user message'], id: 'a' })}\n${JSON.stringify(CONVERSATIONS['empty messages'])}\n`;
    const r = await runTokenlab(['chat', '--tokenizer', 'cl100k_base'], jsonl);
    expect(r.stdout).toMatch(
      /^line 1: \d+ tokens \(1 message\)\nline 2: \d+ tokens \(3 messages\)\ntotal: \d+ tokens in 2 conversations\n$/,
    );
    expect(r.stderr).toMatch(/warning: "id" \(first on line 1\) is not part of a conversation and was left out/);
  });

  it('warns of a switch the template does not read', async () => {
    const r = await runTokenlab(
      ['chat', '--tokenizer', 'cl100k_base', '--thinking', 'off', '--count'],
      JSON.stringify(CONVERSATIONS['one user message']),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/--thinking does nothing here: ChatML does not read enable_thinking/);
  });
});

describe('tokenlab chat refuses', () => {
  const chat = (args: string[], input = ''): ReturnType<typeof runTokenlab> =>
    runTokenlab(['chat', '--tokenizer', 'cl100k_base', ...args], input);
  const good = JSON.stringify(CONVERSATIONS['one user message']);

  it('an unknown role, naming the JSON Lines line and the message, before printing anything', async () => {
    const r = await chat(['--count'], `${good}\n[{"role": "user", "content": "a"}, {"role": "robot", "content": "b"}]\n`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('line 2: message 2: unknown role "robot" (roles: system, user, assistant, tool)');
  });

  it('bad JSON, naming the line in JSON Lines', async () => {
    const lines = await chat([], `${good}\n${good}\n[{"role": "user"\n`);
    expect(lines.code).toBe(1);
    expect(lines.stderr).toMatch(/line 3: not valid JSON: /);
    const doc = await chat([], '[{"role": "user",\n "content": }]');
    expect(doc.code).toBe(1);
    expect(doc.stderr).toMatch(/tokenlab chat: not valid JSON: /);
  });

  it('too many messages, a content that is not a string, an empty input', async () => {
    const many = JSON.stringify(Array.from({ length: 1001 }, () => ({ role: 'user', content: 'x' })));
    expect((await chat([], many)).stderr).toContain('a conversation has at most 1000 messages, not 1001');
    const parts = await chat([], '{"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]}');
    expect(parts.code).toBe(1);
    expect(parts.stderr).toContain('message 1: "content" must be a string');
    expect((await chat([], '\n')).stderr).toContain('no conversation: the input is empty');
  });

  it('a template that fails, naming its line', async () => {
    const template = file('{% for m in messages %}\n{{ m.content | nosuchfilter }}\n{% endfor %}', 'jinja');
    const r = await chat(['--template', template], good);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the template failed: .*nosuchfilter.*\(line 2\)/);
  });

  it('an unknown tokenizer, a format the tokenizer lacks, and wrong options', async () => {
    const unknown = await runTokenlab(['chat', '--tokenizer', 'no-such-tokenizer'], good);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown tokenizer "no-such-tokenizer"');
    const format = await chat(['--format', 'harmony'], good);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('tokenizer cl100k_base offers the chat formats chatml, custom, not "harmony"');
    for (const [args, message] of [
      [['--count', '--json'], 'give --count or --json, not both'],
      [['--format', 'custom'], '--format custom needs --template FILE'],
      [['--thinking', 'yes'], '--thinking takes on or off'],
      [['--reasoning-effort', 'max'], '--reasoning-effort takes low, medium, high'],
      [['--date', '5 Aug'], '--date takes a date, YYYY-MM-DD'],
    ] as const) {
      const r = await chat([...args], good);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
    }
  });
});

describe('tokenlab chat --help', () => {
  it('says the input formats and what --count and --json print', async () => {
    const r = await runTokenlab(['chat', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('JSON Lines: one number a conversation, in input order, then a last line with');
    expect(r.stdout).toContain('{"total": T, "conversations": K}');
  });
});
