import { describe, expect, it } from 'vitest';
import { createApp } from '../src/server/app.js';
import { MAX_TEXT_BYTES } from '../src/server/limits.js';
import { jsonPoster } from './requests.js';

const app = createApp();
const postJson = jsonPoster(app);
const post = (body: unknown) => postJson('/api/tokenize', body);

interface TokenJson {
  id: number;
  start: number;
  end: number;
  bytes: string;
  /** Only on tokens that hold part of a character. */
  partial?: true;
  group?: number;
}

describe('every answer', () => {
  it('carries the security headers (no content sniffing, no framing by other sites)', async () => {
    for (const path of ['/', '/api/tokenizers', '/static/htmx.min.js']) {
      const res = await app.request(path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
    }
  });
});

describe('GET /api/tokenizers', () => {
  it("lists tiktoken's encodings and the shipped vocabularies", async () => {
    const res = await app.request('/api/tokenizers');
    expect(res.status).toBe(200);
    const { tokenizers } = (await res.json()) as { tokenizers: { name: string; kind: string }[] };
    const names = tokenizers.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['gpt2', 'cl100k_base', 'o200k_base', 'tokenlab-cjk-32k']));
    expect(tokenizers.find((t) => t.name === 'tokenlab-cjk-32k')?.kind).toBe('shipped');
    expect(tokenizers.find((t) => t.name === 'cl100k_base')?.kind).toBe('tiktoken');
  });
});

describe('POST /api/tokenize', () => {
  it('returns the ids, UTF-16 spans and hex bytes of each token, with statistics', async () => {
    const res = await post({ text: '你好, world', tokenizer: 'cl100k_base' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { tokenizer: string; count: number; tokens: TokenJson[]; stats: Record<string, unknown> };
    expect(body.tokenizer).toBe('cl100k_base');
    expect(body.count).toBe(4);
    expect(body.tokens.map((t) => t.id)).toEqual([57668, 53901, 11, 1917]); // as in the README's decode example
    expect(body.tokens[0]).toStrictEqual({ id: 57668, bytes: 'e4bda0', start: 0, end: 1 }); // partial, group: only on split characters
    expect(body.tokens[3]).toMatchObject({ start: 3, end: 9, bytes: '20776f726c64' });
    expect(body.stats).toMatchObject({ tokens: 4, bytes: 13, characters: 9, hanCharacters: 2 });
    expect(body.stats.bytesPerToken).toBeCloseTo(13 / 4);
    expect(body.stats.tokensPerHan).toBeCloseTo(1);
  });

  it('groups the tokens of a split character and gives their bytes, never U+FFFD', async () => {
    const text = 'a 🤖';
    const body = (await (await post({ text, tokenizer: 'cl100k_base' })).json()) as { tokens: TokenJson[] };
    const partial = body.tokens.filter((t) => t.partial);
    expect(partial.length).toBeGreaterThan(1);
    expect(partial.every((t) => typeof t.group === 'number')).toBe(true);
    expect(new Set(partial.map((t) => t.group)).size).toBe(1);
    expect(partial.map((t) => t.bytes).join('')).toBe(Buffer.from(' 🤖').toString('hex'));
    for (const t of partial) expect(text.slice(t.start, t.end)).not.toContain('\ufffd');
  });

  it('encodes special-token text as ordinary text', async () => {
    const res = await post({ text: 'x<|endoftext|>', tokenizer: 'cl100k_base' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { tokens: TokenJson[] };
    expect(body.tokens.map((t) => t.id)).not.toContain(100257);
    expect(body.tokens.length).toBeGreaterThan(2);
  });

  it('tokenizes with the shipped vocabulary', async () => {
    const res = await post({ text: '床前明月光', tokenizer: 'tokenlab-cjk-32k' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { tokenizer: string; count: number };
    expect(body.tokenizer).toBe('tokenlab-cjk-32k');
    expect(body.count).toBeGreaterThan(0);
  });

  it('an empty text gives no tokens and null ratios', async () => {
    const body = (await (await post({ text: '', tokenizer: 'gpt2' })).json()) as { count: number; stats: Record<string, unknown> };
    expect(body.count).toBe(0);
    expect(body.stats.bytesPerToken).toBeNull();
  });

  it('an unknown tokenizer is a 404 naming it and the known ones', async () => {
    const res = await post({ text: 'hi', tokenizer: 'nope_base' });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: string };
    expect(body.error).toMatch(/unknown tokenizer "nope_base"/);
    expect(body.error).toMatch(/cl100k_base/);
  });

  it('never reads a file path given as a tokenizer', async () => {
    const res = await post({ text: 'hi', tokenizer: 'vocabularies/tokenlab-cjk-32k.json' });
    expect(res.status).toBe(404);
  });

  it('a text over 1 MB is a 413 with the limit', async () => {
    const res = await post({ text: 'a'.repeat(MAX_TEXT_BYTES + 1), tokenizer: 'cl100k_base' });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: string; limit: number };
    expect(body.error).toMatch(/limit/);
    expect(body.limit).toBe(MAX_TEXT_BYTES);
  });

  it('refuses a body too large to hold a 1 MB text before reading it, on both endpoints', async () => {
    for (const path of ['/api/tokenize', '/api/compare']) {
      const res = await app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(7 * MAX_TEXT_BYTES) },
        body: '{}',
      });
      expect(res.status).toBe(413);
      const body = (await res.json()) as { error: string; limit: number };
      expect(body.error).toMatch(/over the limit/);
      expect(body.limit).toBeGreaterThanOrEqual(6 * MAX_TEXT_BYTES); // room for a 1 MB text in JSON escapes
    }
  });

  it('counts the limit in UTF-8 bytes', async () => {
    const res = await post({ text: '汉'.repeat(Math.ceil(MAX_TEXT_BYTES / 3) + 1), tokenizer: 'cl100k_base' });
    expect(res.status).toBe(413);
  });

  it('malformed JSON and wrong field types are 400s with a JSON error', async () => {
    for (const res of [
      await post('{"text": '),
      await post('[1,2]'),
      await post({ text: 5, tokenizer: 'gpt2' }),
      await post({ text: 'x' }),
    ]) {
      expect(res.status).toBe(400);
      expect(typeof ((await res.json()) as { error: unknown }).error).toBe('string');
    }
  });
});
