import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import { WorkerPool, type TaskError } from '../src/jobs/worker-pool.js';
import { createApp } from '../src/server/app.js';
import { MAX_TEXT_BYTES } from '../src/server/limits.js';
import { tokenize } from '../src/server/tokenize.js';
import { finite } from '../src/server/tokenize-json.js';
import { answerSlotsInUse, tokenizeThreads, type TokenizeTask } from '../src/server/tokenize-pool.js';
import { tokenizerByName } from '../src/store/tokenizers.js';
import { saveUserVocabulary } from '../src/store/user-vocabularies.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('threads');
const app = createApp();
const threadsBefore = process.env.TOKENLAB_TOKENIZE_THREADS;
afterEach(() => {
  if (threadsBefore === undefined) delete process.env.TOKENLAB_TOKENIZE_THREADS;
  else process.env.TOKENLAB_TOKENIZE_THREADS = threadsBefore;
});

async function post(text: string, tokenizer: string) {
  const res = await app.request('/api/tokenize', { method: 'POST', body: JSON.stringify({ text, tokenizer }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** What the API must say for `text`, from the object path the pages use (one TokenSpan per token). */
async function expected(text: string, name: string) {
  const t = await tokenize(text, name);
  const tok = await tokenizerByName(name);
  return {
    tokenizer: name,
    count: t.ids.length,
    characters: t.stats.characters,
    bytes: t.stats.bytes,
    tokens: t.spans.map((s) => ({
      id: s.id,
      bytes: hex(tok.tokenBytes(s.id)),
      start: s.start,
      end: s.end,
      // only on tokens that hold part of a character
      ...(s.partial && { partial: true }),
      ...(s.group !== null && { group: s.group }),
    })),
    stats: JSON.parse(
      JSON.stringify({
        ...t.stats,
        bytesPerToken: finite(t.stats.bytesPerToken),
        charactersPerToken: finite(t.stats.charactersPerToken),
        tokensPerHan: finite(t.stats.tokensPerHan),
        tokensPerEnglishWord: finite(t.stats.tokensPerEnglishWord),
      }),
    ),
  };
}

const TEXTS = [
  '',
  '你好, world',
  '深度学习 deep learning 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👨‍👩‍👧 <script>alert(1)</script> "quotes" \\ back\\slash',
  'lone \ud800 surrogate and 一二三四五六七八九十 repeated '.repeat(40),
  '\u3000\u00a0\r\n\t 1234567 ١٢٣٤ ½²',
];

describe('POST /api/tokenize in tokenize threads', () => {
  it('answers exactly what the object path says, token by token, in threads and on the event loop', async () => {
    for (const threads of ['2', '0']) {
      process.env.TOKENLAB_TOKENIZE_THREADS = threads;
      // gpt2's small vocabulary splits Han characters over tokens: partial tokens and groups.
      for (const name of ['cl100k_base', 'gpt2', 'tokenlab-cjk-32k']) {
        for (const text of TEXTS) {
          const { status, body } = await post(text, name);
          expect(status, `${threads} ${name} ${JSON.stringify(text.slice(0, 20))}`).toBe(200);
          expect(body).toEqual(await expected(text, name));
        }
      }
    }
    const grouped = (await post('深度学习', 'gpt2')).body.tokens as Array<{ group?: number; partial?: true }>;
    expect(grouped.some((t) => t.group !== undefined && t.partial)).toBe(true);
    // whole tokens carry neither key: answers stay a third smaller
    const whole = (await post('hello', 'cl100k_base')).body.tokens as Array<Record<string, unknown>>;
    expect(Object.keys(whole[0])).toEqual(['id', 'bytes', 'start', 'end']);
  });

  it('keeps a refusal’s status and details when it comes from a thread', async () => {
    process.env.TOKENLAB_TOKENIZE_THREADS = '2';
    const unknown = await post('x', 'no-such-tokenizer');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      tokenizer: 'no-such-tokenizer',
      error: expect.stringMatching(/unknown tokenizer "no-such-tokenizer"; known tokenizers: .*cl100k_base/),
    });
    const big = await post('a'.repeat(MAX_TEXT_BYTES + 1), 'cl100k_base');
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ bytes: MAX_TEXT_BYTES + 1, limit: MAX_TEXT_BYTES });
  });

  it('answers 499 and does no work for a client that went away before a thread took its text', async () => {
    process.env.TOKENLAB_TOKENIZE_THREADS = '2';
    const gone = new AbortController();
    gone.abort();
    const res = await app.request('/api/tokenize', {
      method: 'POST',
      body: JSON.stringify({ text: 'hello', tokenizer: 'cl100k_base' }),
      signal: gone.signal,
    });
    expect(res.status).toBe(499);
    expect(answerSlotsInUse()).toBe(0);
  });

  it('holds answer slots only for answers a thread is making or the server is sending, not for waiting requests', async () => {
    process.env.TOKENLAB_TOKENIZE_THREADS = '2';
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, answerSlotsInUse())), 1);
    const text = '深度学习 deep learning '.repeat(2_000);
    const answers = await Promise.all(Array.from({ length: 40 }, () => post(text, 'cl100k_base')));
    clearInterval(watch);
    expect(answers.every((a) => a.status === 200 && a.body.count === answers[0].body.count)).toBe(true);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2 * 4); // two threads with at most four tasks in hand each
    expect(answerSlotsInUse()).toBe(0);
  });

  it('finds user vocabularies in the data directory the server uses now, not the one a thread started with', async () => {
    process.env.TOKENLAB_TOKENIZE_THREADS = '2';
    expect((await post('low', 'cl100k_base')).status).toBe(200); // the threads start here
    process.env.TOKENLAB_DATA = mkdtempSync(join(tmpdir(), 'tokenlab-threads-moved-'));
    await saveUserVocabulary('moved', trainOnTexts(['low lower lowest low low'], { pattern: 'gpt2', vocabSize: 262 }));
    const { status, body } = await post('low lower', 'moved');
    expect(status).toBe(200);
    expect(body).toEqual(await expected('low lower', 'moved'));
  });

  it('writes the record of a token longer than 64 kB whole (its head is over 65,535 bytes)', async () => {
    process.env.TOKENLAB_TOKENIZE_THREADS = '0';
    // Each merge doubles a run of "a": 16 merges make one token of 65,536 bytes (pieces may be that long here).
    await saveUserVocabulary(
      'long-token',
      trainOnTexts(['a'.repeat(140_000)], { pattern: 'gpt2', vocabSize: 256 + 16, maxPieceBytes: 140_000 }),
    );
    const text = 'a'.repeat(65_536);
    const { status, body } = await post(text, 'long-token');
    expect(status).toBe(200);
    expect(body.tokens).toHaveLength(1);
    expect((body.tokens as unknown[])[0]).toMatchObject({ start: 0, end: text.length, bytes: '61'.repeat(text.length) });
  });

  it('refuses a TOKENLAB_TOKENIZE_THREADS that is not a whole number from 0 to 64', () => {
    for (const bad of ['two', '-1', '1.5', '65']) {
      process.env.TOKENLAB_TOKENIZE_THREADS = bad;
      expect(() => tokenizeThreads(), bad).toThrow(/TOKENLAB_TOKENIZE_THREADS must be a whole number from 0 to 64/);
    }
    process.env.TOKENLAB_TOKENIZE_THREADS = '3';
    expect(tokenizeThreads()).toBe(3);
  });
});

describe('WorkerPool', () => {
  const revive = (e: TaskError) => Object.assign(new Error(e.message), { name: e.name, fields: e.fields });
  const task = (text: string, tokenizer = 'cl100k_base'): TokenizeTask => ({ text, tokenizer, data: process.env.TOKENLAB_DATA! });
  const poolFrom = new URL('../src/server/tokenize-pool.ts', import.meta.url).href; // the worker module's sibling

  it('fails the tasks a stopped thread held, then starts a new thread for the next task', async () => {
    const pool = new WorkerPool<TokenizeTask, ArrayBuffer>('tokenize-worker', poolFrom, 1, revive);
    const first = await pool.run(task('hello'));
    expect(JSON.parse(Buffer.from(first).toString()).count).toBe(1);
    const held = pool.run(task('深度学习 '.repeat(50_000)));
    await pool.close();
    await expect(held).rejects.toThrow(/the tokenize-worker thread stopped/);
    const again = await pool.run(task('hello world'));
    expect(JSON.parse(Buffer.from(again).toString()).count).toBe(2);
    await pool.close();
  });

  it('runs tasks in order of arrival and drops a waiting task whose caller gave up', async () => {
    const pool = new WorkerPool<TokenizeTask, ArrayBuffer>('tokenize-worker', poolFrom, 1, revive);
    const count = async (p: Promise<ArrayBuffer>) => JSON.parse(Buffer.from(await p).toString()).count as number;
    const done: number[] = [];
    const slow = pool.run(task('深度学习 '.repeat(20_000))).then(() => done.push(0));
    const gaveUp = new AbortController();
    const tasks = [1, 2, 3, 4, 5, 6].map((k) => pool.run(task('word '.repeat(k)), k === 5 ? gaveUp.signal : undefined));
    const settled = tasks.map((t, k) =>
      t.then(
        () => done.push(k + 1),
        () => done.push(-(k + 1)),
      ),
    );
    expect(pool.waiting).toBe(3); // the thread holds four: the slow one and the next three
    gaveUp.abort(new Error('the client went away'));
    expect(pool.waiting).toBe(2);
    await expect(tasks[4]).rejects.toThrow('the client went away');
    await Promise.all([slow, ...settled]);
    expect(done).toEqual([-5, 0, 1, 2, 3, 4, 6]); // dropped at once; the rest in order
    expect(await count(tasks[5])).toBe(7); // "word", five " word" and the last " "
    const before = new AbortController();
    before.abort(new Error('gone before it came'));
    await expect(pool.run(task('x'), before.signal)).rejects.toThrow('gone before it came');
    expect(pool.waiting).toBe(0);
    await pool.close();
  });

  it('brings a task’s error back with its name, message and fields', async () => {
    const pool = new WorkerPool<TokenizeTask, ArrayBuffer>('tokenize-worker', poolFrom, 2, revive);
    const err = (await pool.run(task('x', 'nope')).catch((e: unknown) => e)) as Error & { fields: Record<string, unknown> };
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('RequestError');
    expect(err.fields).toMatchObject({ status: 404, details: { tokenizer: 'nope' } });
    await pool.close();
  });

  it('keeps the process alive while a thread holds a task, and not once the pool is idle', () => {
    // A script that asks one task of a fresh pool and then does nothing: it must print the answer (the
    // pending task kept it alive) and then exit by itself (the idle pool does not), well within the timeout.
    const pool = new URL('../dist/src/jobs/worker-pool.js', import.meta.url).href;
    const from = new URL('../dist/src/server/tokenize-pool.js', import.meta.url).href;
    const script = `
      const { WorkerPool } = await import(${JSON.stringify(pool)});
      const p = new WorkerPool('tokenize-worker', ${JSON.stringify(from)}, 1, (e) => new Error(e.message));
      const reply = await p.run(${JSON.stringify(task('hello world'))});
      console.log(JSON.parse(Buffer.from(reply).toString()).count);`;
    const file = join(mkdtempSync(join(tmpdir(), 'tokenlab-pool-')), 'one-task.mjs');
    writeFileSync(file, script);
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 });
    expect(out.trim()).toBe('2');
  });
});
