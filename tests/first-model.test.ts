/**
 * Ready on first start: the built server, started on an empty data directory, builds a first model in the
 * background (submitted before the server listens, built after) over tokenlab-cjk-32k and starter-mix; /lm shows it being built and
 * then built for the user; its samples are valid UTF-8 with Chinese characters whole. Never twice, and never
 * when the user already has models.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBuiltServer } from './server-process.js';

const dirs: string[] = [];
const servers: ChildProcess[] = [];
afterAll(() => {
  for (const s of servers) s.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokenlab-first-'));
  dirs.push(dir);
  return dir;
}

async function start(data: string): Promise<string> {
  const { child, url } = await startBuiltServer({ TOKENLAB_DATA: data });
  servers.push(child);
  return url;
}

const models = async (url: string) => ((await (await fetch(`${url}/api/lm`)).json()) as { models: Array<{ name: string }> }).models;

async function waitForModel(url: string, name: string): Promise<void> {
  for (let i = 0; i < 240 && !(await models(url)).some((m) => m.name === name); i++) await new Promise((r) => setTimeout(r, 500));
}

interface SampleToken {
  bytes: string;
}

describe('the first start', () => {
  it('builds a first model in the background; /lm shows it being built, then built for you; its samples are whole Chinese characters', async () => {
    const data = join(freshDir(), 'data'); // as on a fresh checkout, where ./data does not exist yet
    const url = await start(data); // resolves on the start line: the build is submitted, not yet built
    const building = await (await fetch(`${url}/lm`)).text();
    expect(building).toMatch(
      /id="lm-first-model">(A first model, first-model, is being built for you|<a href="\/lm\/first-model">first-model<\/a> was built for you)/,
    );
    await waitForModel(url, 'first-model');
    const [model] = await models(url);
    expect(model).toMatchObject({ name: 'first-model', tokenizer: 'tokenlab-cjk-32k', corpus: 'starter-mix' });
    const page = await (await fetch(`${url}/lm`)).text();
    expect(page).toMatch(/id="lm-first-model"><a href="\/lm\/first-model">first-model<\/a> was built for you/);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let han = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const res = await fetch(`${url}/api/lm/first-model/sample`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: '类型', seed, length: 30 }),
      });
      const { tokens } = (await res.json()) as { tokens: SampleToken[] };
      const text = decoder.decode(Buffer.from(tokens.map((t) => t.bytes).join(''), 'hex')); // throws on invalid UTF-8
      han += (text.match(/\p{Script=Han}/gu) ?? []).length;
    }
    expect(han).toBeGreaterThan(20);
  });

  it('never builds it twice, nor when the data directory already has models', async () => {
    const data = freshDir();
    let url = await start(data);
    await waitForModel(url, 'first-model');
    expect((await fetch(`${url}/api/lm/first-model`, { method: 'DELETE' })).status).toBe(200);
    servers.pop()!.kill();
    url = await start(data);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await models(url)).toEqual([]);

    const other = freshDir();
    const first = await start(other);
    await waitForModel(first, 'first-model');
    rmSync(join(other, 'first-model.json')); // a data directory of an older lab: models, no record
    servers.pop()!.kill();
    url = await start(other);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await models(url)).map((m) => m.name)).toEqual(['first-model']);
    expect(existsSync(join(other, 'first-model.json'))).toBe(false);
  });
});

describe('what /lm says of the first model', () => {
  it('is read from the list of models the page shows, not from a second look at the disk', async () => {
    const data = freshDir();
    const saved = process.env.TOKENLAB_DATA;
    process.env.TOKENLAB_DATA = data;
    try {
      const { firstModelState } = await import('../src/server/first-model.js');
      mkdirSync(join(data, 'models'));
      writeFileSync(join(data, 'first-model.json'), JSON.stringify({ name: 'first-model', jobId: 'no-such-job', startedAt: '' }));
      writeFileSync(join(data, 'models', 'first-model.json'), JSON.stringify({ name: 'first-model' })); // saved after the list was read
      expect(firstModelState([{ name: 'first-model' }])).toEqual({ name: 'first-model', jobId: 'no-such-job', building: false });
      // a list read before the record was saved: not "built" (its table would not show it); here no build is running either
      expect(firstModelState([])).toBeUndefined();
    } finally {
      process.env.TOKENLAB_DATA = saved;
    }
  });
});
