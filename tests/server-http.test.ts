import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/server/app.js';
import { tokenizedJson } from '../src/server/tokenize-json.js';
import { answerSlotsInUse } from '../src/server/tokenize-pool.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('http');
process.env.TOKENLAB_TOKENIZE_THREADS = '2';

let server: ServerType;
let url: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => {
    server = serve({ fetch: createApp().fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      url = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Text i: different for every i, mixed scripts, some long enough to overflow a 1 MiB slot. */
function text(i: number): string {
  const unit = `第${i}段 paragraph ${i}: 深度学习 deep learning ${'词'.repeat(i % 7)} `;
  return i % 50 === 7 ? unit.repeat(2_000) : unit.repeat(1 + (i % 40));
}

describe('POST /api/tokenize over HTTP, answered from shared slots', () => {
  it('sends every answer intact when more requests are in flight than there are slots, and gives every slot back', async () => {
    const n = 200;
    const answers = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const res = await fetch(`${url}/api/tokenize`, {
          method: 'POST',
          body: JSON.stringify({ text: text(i), tokenizer: i % 2 ? 'cl100k_base' : 'o200k_base' }),
        });
        return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
      }),
    );
    for (let i = 0; i < n; i++) {
      expect(answers[i].status, `request ${i}`).toBe(200);
      const expected = Buffer.from((await tokenizedJson(text(i), i % 2 ? 'cl100k_base' : 'o200k_base')).body);
      expect(answers[i].body.equals(expected), `answer ${i} is byte for byte the inline one`).toBe(true);
    }
    expect(answers.some((a) => a.body.length > 1 << 20)).toBe(true); // some answers did not fit a slot
    await new Promise((r) => setTimeout(r, 50)); // the last 'close' events
    expect(answerSlotsInUse()).toBe(0);
  });

  it('gives the slot back when the client goes away before the answer is sent', async () => {
    const controllers = Array.from({ length: 20 }, () => new AbortController());
    const requests = controllers.map((c, i) =>
      fetch(`${url}/api/tokenize`, {
        method: 'POST',
        body: JSON.stringify({ text: text(i + 1000), tokenizer: 'cl100k_base' }),
        signal: c.signal,
      }).catch(() => null),
    );
    await new Promise((r) => setTimeout(r, 5));
    for (const c of controllers) c.abort();
    await Promise.all(requests);
    for (let k = 0; k < 100 && answerSlotsInUse() > 0; k++) await new Promise((r) => setTimeout(r, 20));
    expect(answerSlotsInUse()).toBe(0);
  });
});

describe("request bodies over HTTP (read from Node's request)", () => {
  it('refuses a chunked body over the limit with 413 and closes that connection, and the client goes on', async () => {
    const big = new TextEncoder().encode(JSON.stringify({ text: 'a'.repeat(7_000_000), tokenizer: 'gpt2' }));
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < big.length; i += 65_536) controller.enqueue(big.subarray(i, i + 65_536));
        controller.close();
      },
    });
    const refused = await fetch(`${url}/api/tokenize`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(refused.status).toBe(413);
    expect(refused.headers.get('connection')).toBe('close');
    expect(await refused.json()).toMatchObject({ limit: expect.any(Number), error: expect.stringMatching(/over the limit/) });
    for (let i = 0; i < 3; i++) {
      const bad = await fetch(`${url}/api/tokenize`, { method: 'POST', body: Buffer.from('{"text": "\xff"}', 'latin1') });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({
        error: expect.stringMatching(/not valid UTF-8: decoding fails at byte offset 10 \(0xff\)/),
      });
      const ok = await fetch(`${url}/api/tokenize`, { method: 'POST', body: JSON.stringify({ text: 'hi', tokenizer: 'gpt2' }) });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { count: number }).count).toBe(1);
    }
  });
});
