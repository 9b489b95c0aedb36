/**
 * The tokenize page's chat view (GET /chat, POST /fragment/chat): the conversation from the query or the form,
 * the numbers held to countChat's (what POST /api/chat answers), format and tokenizer switching, the template's
 * switches, warnings, errors inside the result, the shareable URL, and escaping.
 */
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../src/jobs/chat-count.js';
import { HAVE_MODELS, linkModelTokenizers, needsModels } from './model-files.js';
import { useFreshDataDir } from './shared.js';

linkModelTokenizers(useFreshDataDir('chat-page'), ['qwen3']);
const { createApp } = await import('../src/server/app.js');
const { countChat } = await import('../src/jobs/chat-count.js');
const { MAX_URL_TEXT } = await import('../src/server/limits.js');
const app = createApp();

type Fields = Array<[string, string]>;

/** The fields the form posts for a conversation (the hidden "0" before each ticked switch, as the page sends them). */
function formOf(tokenizer: string, messages: Array<[string, string]>, extra: Fields = []): Fields {
  return [
    ['tokenizer', tokenizer],
    ...messages.flatMap(([r, c]): Fields => [
      ['role', r],
      ['content', c],
    ]),
    ['gen', '0'],
    ['gen', '1'],
    ...extra,
  ];
}

function fragment(fields: Fields) {
  return app.request('/fragment/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' },
    body: new URLSearchParams(fields).toString(),
  });
}

const page = (fields: Fields) => app.request(`/chat?${new URLSearchParams(fields)}`);

/** The numbers of the per-message table, by row: [content, template, total] ("—" as null). */
function tableRows(html: string): Record<string, Array<number | null>> {
  const table = html.match(/<table class="chat-table" id="chat-table">(.*?)<\/table>/s);
  if (table === null) throw new Error('no per-message table');
  const rows: Record<string, Array<number | null>> = {};
  for (const [, key, cells] of table[1].matchAll(/<tr data-row="([^"]+)">(.*?)<\/tr>/gs)) {
    const tds = [...cells.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]);
    rows[key] = tds.slice(-3).map((x) => (x === '—' ? null : Number(x)));
  }
  return rows;
}

/** The message rows of the form (not the page's template for new ones). */
const messageRows = (html: string) =>
  html
    .split('<div id="chat-messages"')[1]
    .split('data-chat="add"')[0]
    .match(/<div class="chat-msg">/g) ?? [];

/** The rendered prompt as the page marks it. */
const promptOf = (html: string) => html.match(/<pre class="chat-prompt" id="chat-prompt">(.*?)<\/pre>/s)![1];

const count = (html: string) => Number(html.match(/<strong id="count">(\d+)<\/strong>/)![1]);

const CONVERSATION: Array<[string, string]> = [
  ['system', 'You answer in one line.'],
  ['user', '分词器是什么?'],
  ['assistant', 'It cuts text into tokens.'],
  ['user', 'And 词元?'],
];

const request = (tokenizer: string, messages: Array<[string, string]>, more: Partial<ChatRequest> = {}): ChatRequest => ({
  tokenizer,
  messages: messages.map(([role, content]) => ({ role: role as 'user', content })),
  addGenerationPrompt: true,
  ...more,
});

describe('chat view', () => {
  it('shows one user message by default, the tokenizer chooser, the format and the generation-prompt switch', async () => {
    const res = await app.request('/chat');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(messageRows(html)).toHaveLength(1);
    expect(html).toMatch(/<select name="role"[^>]*><option value="system">system<\/option><option value="user" selected="">/);
    expect(html).toContain('<option value="cl100k_base" selected');
    expect(html).toMatch(/<select name="format"><option value="chatml" selected="">ChatML<\/option><option value="custom">/);
    expect(html).toMatch(/<input type="checkbox" name="gen" value="1" checked=""\/> add generation prompt/);
    expect(html).toMatch(/<form id="chat-form"[^>]*hx-post="\/fragment\/chat"/);
    expect(html).toContain('it is the format of OpenAI gpt-3.5-turbo, gpt-4 and gpt-4-turbo');
    expect(count(html)).toBe((await countChat(request('cl100k_base', [['user', '']]))).count.count);
  });

  it('has tabs between plain text and chat on both views, keeping the tokenizer', async () => {
    const chat = await (await app.request('/chat?tokenizer=o200k_base')).text();
    expect(chat).toMatch(
      /<nav class="mode-tabs"[^>]*><a href="\/\?tokenizer=o200k_base">plain text<\/a><strong aria-current="page">chat<\/strong>/,
    );
    const plain = await (await app.request('/?tokenizer=gpt2')).text();
    expect(plain).toMatch(/<strong aria-current="page">plain text<\/strong><a href="\/chat\?tokenizer=gpt2">chat<\/a>/);
  });

  it('counts the conversation as countChat does: the table rows add up to the count', async () => {
    const html = await (await fragment(formOf('cl100k_base', CONVERSATION))).text();
    const { count: expected } = await countChat(request('cl100k_base', CONVERSATION));
    expect(count(html)).toBe(expected.count);
    const rows = tableRows(html);
    expect(rows.base).toEqual([0, expected.base, expected.base]);
    expected.messages.forEach((m, i) => {
      expect(rows[String(i + 1)]).toEqual([m.contentTokens, m.templateTokens, m.contentTokens + m.templateTokens!]);
    });
    expect(rows.generation).toEqual([0, expected.generationPrompt, expected.generationPrompt]);
    const content = expected.messages.reduce((n, m) => n + m.contentTokens, 0);
    expect(rows.total).toEqual([content, expected.count - content, expected.count]);
    const sum = Object.entries(rows)
      .filter(([k]) => k !== 'total')
      .reduce((n, [, r]) => n + r[2]!, 0);
    expect(sum).toBe(expected.count);
    // Each token drawn, colored, over the rendered prompt.
    expect(html.match(/<span class="t[^"]*" style="--h:\d+" data-id=/g)).toHaveLength(expected.count);
  });

  it('marks the content, the template’s text and the control tokens in the rendered prompt', async () => {
    const html = await (await fragment(formOf('cl100k_base', [['user', 'hi there']]))).text();
    expect(promptOf(html)).toBe(
      '<span class="chat-control">&lt;|im_start|&gt;</span><span class="chat-template-text">user\n</span>' +
        '<span class="chat-content" data-message="1">hi there</span><span class="chat-control">&lt;|im_end|&gt;</span>' +
        '<span class="chat-template-text">\n</span><span class="chat-control">&lt;|im_start|&gt;</span><span class="chat-template-text">assistant\n</span>',
    );
    // Control tokens are one token each: <|im_start|> is 100264 in cl100k_base's ChatML.
    expect(html).toContain('data-id="100264"');
  });

  it('turns the generation prompt off with the switch (the hidden "0" alone)', async () => {
    const fields: Fields = [
      ['tokenizer', 'cl100k_base'],
      ['role', 'user'],
      ['content', 'hi'],
      ['gen', '0'],
    ];
    const html = await (await fragment(fields)).text();
    const { count: expected } = await countChat({ ...request('cl100k_base', [['user', 'hi']]), addGenerationPrompt: false });
    expect(count(html)).toBe(expected.count);
    expect(tableRows(html).generation).toEqual([0, 0, 0]);
    expect(html).not.toContain('assistant\n</span>');
    expect(await (await page(fields)).text()).toMatch(/<input type="checkbox" name="gen" value="1"\/> add generation prompt/);
  });

  it('escapes a <script> typed into a message, in the form, the prompt and the tokens', async () => {
    const script = '<script>alert(1)</script>';
    for (const res of [await page(formOf('cl100k_base', [['user', script]])), await fragment(formOf('cl100k_base', [['user', script]]))]) {
      const html = await res.text();
      expect(html).not.toContain(script);
      expect(html).not.toMatch(/<script>alert/);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const html = await (await page(formOf('cl100k_base', [['user', script]]))).text();
    expect(html).toContain('<textarea name="content" rows="3" placeholder="the message" aria-label="content">\n&lt;script&gt;');
  });

  it('warns of control-token text typed into a message, with the count as plain text', async () => {
    const messages: Array<[string, string]> = [['user', 'say <|im_end|> twice <|im_end|>']];
    const html = await (await fragment(formOf('cl100k_base', messages))).text();
    const [w] = (await countChat(request('cl100k_base', messages))).count.warnings;
    expect(html).toContain(
      `<div class="chat-warning" role="alert"><strong>Message 1 contains control-token text: &lt;|im_end|&gt;.</strong>`,
    );
    expect(html).toContain(`As plain text the prompt would be <strong>${w.countAsText}</strong> tokens`);
    expect(w.countAsText).toBeGreaterThan(count(html));
  });

  it('offers the formats of the tokenizer, and falls back to its default when the tokenizer changes', async () => {
    const gpt2 = await (await page(formOf('gpt2', [['user', 'hi']], [['format', 'plain']]))).text();
    expect([...gpt2.matchAll(/<select name="format">(.*?)<\/select>/gs)][0][1]).toMatch(
      /value="chatml">ChatML<.*value="plain" selected="">plain .*value="custom">custom/s,
    );
    expect(gpt2).toContain('<span class="chat-template-text">user: </span><span class="chat-content" data-message="1">hi</span>');
    // ChatML on a vocabulary without its tokens: the page says the markers got ids of their own.
    expect(await (await page(formOf('gpt2', [['user', 'hi']]))).text()).toContain('has no tokens for the format’s markers');
    // harmony is o200k_base's: with cl100k_base the default (ChatML) is used, and the fields come back out of band.
    const switched = await (
      await fragment(
        formOf(
          'cl100k_base',
          [['user', 'hi']],
          [
            ['format', 'harmony'],
            ['shown-setup', 'old'],
          ],
        ),
      )
    ).text();
    expect(switched).toContain('<div id="chat-setup" hx-swap-oob="true">');
    expect(switched).toMatch(/<option value="chatml" selected="">ChatML<\/option>/);
    expect(switched).toContain('&lt;|im_start|&gt;');
    const setupKey = switched.match(/name="shown-setup" value="([^"]*)"/)![1].replace(/&quot;/g, '"');
    const same = await (
      await fragment(
        formOf(
          'cl100k_base',
          [['user', 'hi!']],
          [
            ['format', 'chatml'],
            ['shown-setup', setupKey],
          ],
        ),
      )
    ).text();
    expect(same).not.toContain('id="chat-setup"');
  });

  it('sets harmony’s reasoning effort on o200k_base', async () => {
    const html = await (await page(formOf('o200k_base', [['user', '你好']], [['effort', 'high']]))).text();
    expect(html).toMatch(/<select name="effort">.*<option value="high" selected="">high<\/option>/s);
    expect(promptOf(html)).toContain('Reasoning: high');
    expect(html).toContain('it is the format of OpenAI gpt-oss-20b and gpt-oss-120b');
    const expected = await countChat({ ...request('o200k_base', [['user', '你好']]), switches: { reasoningEffort: 'high' } });
    expect(count(html)).toBe(expected.count.count);
  });

  it('renders a custom template, and shows a template’s error inside the result', async () => {
    const template = '{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}';
    const custom = formOf(
      'cl100k_base',
      [['user', 'hi']],
      [
        ['format', 'custom'],
        ['template', template],
        ['shown-template', 'old'],
      ],
    );
    const html = await (await fragment(custom)).text();
    // The template field is the user's while "custom" is chosen: never swapped under their typing.
    expect(html).not.toContain('id="chat-template"');
    const back = await (
      await fragment(
        formOf(
          'cl100k_base',
          [['user', 'hi']],
          [
            ['format', 'chatml'],
            ['shown-template', 'old'],
          ],
        ),
      )
    ).text();
    expect(back).toMatch(/<div id="chat-template" hx-swap-oob="true">.*&lt;\|im_start\|&gt;/s);
    expect(html).toContain('<span class="chat-template-text">[user] </span><span class="chat-content" data-message="1">hi</span>');
    expect(count(html)).toBe((await countChat({ ...request('cl100k_base', [['user', 'hi']]), format: 'custom', template })).count.count);
    const broken = formOf(
      'cl100k_base',
      [['user', 'hi']],
      [
        ['format', 'custom'],
        ['template', '{% for m in %}'],
      ],
    );
    const res = await fragment(broken);
    expect(res.status).toBe(400); // htmx 4 swaps the refusal into the result with its status
    expect(await res.text()).toMatch(/^<p class="error" role="alert">[^<]+<\/p>/);
    const brokenPage = await page(broken);
    expect(brokenPage.status).toBe(400);
    const brokenHtml = await brokenPage.text();
    expect(brokenHtml).toMatch(/<div id="result" aria-live="polite"><p class="error" role="alert">/);
    // The template stays in the form to be fixed.
    expect(brokenHtml).toContain('<textarea name="template" rows="10" spellcheck="false">\n{% for m in %}</textarea>');
    const empty = await (await fragment(formOf('cl100k_base', [['user', 'hi']], [['format', 'custom']]))).text();
    expect(empty).toContain('the custom format needs a template');
  });

  it('shows an unknown tokenizer and a conversation over the limit inside the result', async () => {
    const unknown = await page(formOf('no-such-tokenizer', [['user', 'hi']]));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/<div id="result" aria-live="polite"><p class="error" role="alert">[^<]*no-such-tokenizer/);
    const big = 'x'.repeat(600_000);
    const res = await fragment(
      formOf('cl100k_base', [
        ['user', big],
        ['user', big],
      ]),
    );
    expect(await res.text()).toMatch(/^<p class="error" role="alert">This text is too large: the conversation is \d+ bytes/);
  });

  it('shows how much of each model’s context the prompt takes, and why prices are not shown', async () => {
    const html = await (await fragment(formOf('cl100k_base', CONVERSATION))).text();
    const n = count(html);
    expect(html).toContain(`<th>gpt-4</th><td>8,192</td>`);
    expect(html).toContain(`${((n / 8192) * 100).toFixed(2)}%`);
    expect(html).toContain('Prices are not shown');
    expect(await (await fragment(formOf('gpt2', [['user', 'hi']]))).text()).toContain('knows no model’s context window for gpt2');
  });

  it('keeps the conversation in the shareable URL when it is short, the tokenizer and options only when not', async () => {
    const res = await fragment(
      formOf(
        'cl100k_base',
        [
          ['system', 's'],
          ['user', '你好'],
        ],
        [
          ['format', 'chatml'],
          ['thinking', '0'],
        ],
      ),
    );
    const url = new URL(res.headers.get('hx-replace-url')!, 'http://x');
    expect(url.pathname).toBe('/chat');
    expect(url.searchParams.getAll('role')).toEqual(['system', 'user']);
    expect(url.searchParams.getAll('content')).toEqual(['s', '你好']);
    expect(url.searchParams.get('tokenizer')).toBe('cl100k_base');
    // The URL gives the page back.
    const html = await (await app.request(url.pathname + url.search)).text();
    expect(messageRows(html)).toHaveLength(2);
    expect(html).toContain('aria-label="content">\n你好</textarea>');
    const long = await fragment(formOf('o200k_base', [['user', 'y'.repeat(MAX_URL_TEXT + 1)]], [['effort', 'low']]));
    const longUrl = new URL(long.headers.get('hx-replace-url')!, 'http://x');
    expect(longUrl.searchParams.has('content')).toBe(false);
    expect(longUrl.searchParams.get('tokenizer')).toBe('o200k_base');
    expect(longUrl.searchParams.get('effort')).toBe('low');
  });

  it('reads a text area’s CR LF line breaks as LF, as the text area holds them', async () => {
    const crlf = await (await fragment(formOf('cl100k_base', [['user', 'a\r\nb']]))).text();
    expect(count(crlf)).toBe((await countChat(request('cl100k_base', [['user', 'a\nb']]))).count.count);
  });

  it.skipIf(!HAVE_MODELS)(needsModels('switches Qwen3’s thinking off, and says which model the template is'), async () => {
    const on = await (await page(formOf('qwen3', [['user', '你好']]))).text();
    expect(on).toMatch(/<select name="format"><option value="model" selected="">qwen3’s own chat template<\/option>/);
    expect(on).toContain('<input type="checkbox" name="thinking" value="1" checked=""/>');
    expect(on).toContain('Template: <strong>qwen3’s chat_template</strong>; it is the format of qwen3, from its tokenizer_config.json');
    expect(promptOf(on)).not.toContain('&lt;think&gt;');
    const offFields = formOf('qwen3', [['user', '你好']], [['thinking', '0']]);
    const off = await (await fragment(offFields)).text();
    expect(promptOf(off)).toContain('&lt;think&gt;\n\n&lt;/think&gt;');
    const expected = await countChat({ ...request('qwen3', [['user', '你好']]), switches: { enableThinking: false } });
    expect(count(off)).toBe(expected.count.count);
    expect(count(off)).toBeGreaterThan(count(on));
    expect(new URL((await fragment(offFields)).headers.get('hx-replace-url')!, 'http://x').searchParams.get('thinking')).toBe('0');
  });

  it.skipIf(!HAVE_MODELS)(needsModels('says a model tokenizer not added yet must be added, inside the result'), async () => {
    const res = await page(formOf('llama3', [['user', 'hi']]));
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/<div id="result" aria-live="polite"><p class="error" role="alert">[^<]*llama3/);
  });
});
