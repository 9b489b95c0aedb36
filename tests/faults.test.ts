/**
 * Faults, for real: a process killed with SIGKILL in the middle of saving a vocabulary or a language model
 * leaves the old file or the new one, never a part; a server killed while it trains shows the job as
 * interrupted after a restart; a training worker that runs out of memory fails its job with a message and the
 * process (test or server) lives on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vocabulary } from '../src/bpe/vocabulary.js';
import type { JobRecord } from '../src/jobs/job-manager.js';
import { startTrainJob } from '../src/jobs/train-job.js';
import { removeStaleTempFiles } from '../src/store/atomic-file.js';
import { dataDir } from '../src/store/data-dir.js';
import { buildModel } from '../src/lm/model.js';
import { readModelFile, writeModelFile } from '../src/store/lm-files.js';
import { shippedVocabularyPath } from '../src/store/shipped-vocabularies.js';
import { addUserCorpus } from '../src/store/user-corpora.js';
import {
  listUserVocabularies,
  readUserVocabulary,
  saveUserVocabulary,
  userVocabularyDir,
  userVocabularyPath,
} from '../src/store/user-vocabularies.js';
import { readVocabularyFile, writeVocabularyFile } from '../src/store/vocab-files.js';
import { lcg } from './random.js';
import { startBuiltServer, type ServerProcess } from './server-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenlab-faults-'));
const SAVE_LOOP = fileURLToPath(new URL('./fixtures/save-loop.mjs', import.meta.url));
const KILLS = 8;

let previousData: string | undefined;
beforeAll(() => {
  previousData = process.env.TOKENLAB_DATA;
  process.env.TOKENLAB_DATA = join(tmp, 'data');
});
afterAll(() => {
  if (previousData === undefined) delete process.env.TOKENLAB_DATA;
  else process.env.TOKENLAB_DATA = previousData;
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * Runs the save loop (fixtures/save-loop.mjs with `args`) in a child process KILLS times and kills it with
 * SIGKILL: at a random moment up to 300 ms into the loop, or (odd rounds) as soon as a file in `dir` changes,
 * which lands inside a write. After each kill `restart(round)` checks what a fresh read finds on disk.
 * Resolves to the number of temporary files the kills left in `dir`.
 */
async function killWhileSaving(args: string[], dir: string, restart: (round: number) => Promise<void>): Promise<number> {
  for (let round = 0; round < KILLS; round++) {
    const child = spawn(process.execPath, [SAVE_LOOP, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    await once(child.stdout, 'data'); // the first save is done: the loop runs
    const kill = () => child.kill('SIGKILL');
    const watcher = round % 2 === 1 ? watch(dir, kill) : undefined;
    if (!watcher) setTimeout(kill, Math.random() * 300);
    const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    watcher?.close();
    expect(signal).toBe('SIGKILL');
    await restart(round);
  }
  return readdirSync(dir).filter((f) => f.endsWith('.tmp')).length;
}

/** `count` sequences of 20 token ids below 2000, drawn with `seed`. */
function sequences(seed: number, count: number): number[][] {
  const rand = lcg(seed);
  return Array.from({ length: count }, () => Array.from({ length: 20 }, () => Math.floor(rand() * 2000)));
}

/** A text of many distinct words (about 9 MB): counting them needs far more than a 32 MB heap. */
function manyWords(): string {
  const words: string[] = [];
  for (let i = 0; i < 600_000; i++) words.push(`w${i.toString(36)}x${((i * 2_654_435_761) >>> 0).toString(36)}`);
  return words.join(' ');
}

describe('a process killed (SIGKILL) while saving a vocabulary', () => {
  it('leaves the old or the new file, whole, after every restart', async () => {
    const newer = await readVocabularyFile(shippedVocabularyPath('tokenlab-cjk-32k'));
    const older: Vocabulary = { ...newer, specials: [{ text: '<|older|>', id: newer.specials[0].id }] };
    const files = [join(tmp, 'older.json'), join(tmp, 'newer.json')];
    await writeVocabularyFile(files[0], older);
    await writeVocabularyFile(files[1], newer);
    const versions = files.map((f) => readFileSync(f, 'utf8'));
    await saveUserVocabulary('victim', older);
    const leftovers = await killWhileSaving(['vocabulary', ...files], userVocabularyDir(), async (round) => {
      const found = readFileSync(userVocabularyPath('victim'), 'utf8');
      expect(versions.indexOf(found), `after kill ${round + 1} the file has ${found.length} characters`).toBeGreaterThanOrEqual(0);
      expect((await readUserVocabulary('victim')).specials[0].text).toMatch(/^<\|(older|endoftext)\|>$/);
    });
    // A kill mid-write leaves a temporary file (how many depends on where the kills land); it is never listed.
    console.log(`${KILLS} kills left ${leftovers} temporary file(s) behind`);
    expect(listUserVocabularies().map((v) => v.name)).toEqual(['victim']);
  });

  it('ignores a partial temporary file left beside a vocabulary', async () => {
    const vocab = await readVocabularyFile(shippedVocabularyPath('tokenlab-cjk-32k'));
    await saveUserVocabulary('kept', vocab);
    const partial = readFileSync(userVocabularyPath('kept'), 'utf8').slice(0, 1000);
    mkdirSync(userVocabularyDir(), { recursive: true });
    writeFileSync(join(userVocabularyDir(), '.kept.json.0123456789ab.tmp'), partial);
    writeFileSync(join(userVocabularyDir(), '.other.json.0123456789ab.tmp'), partial);
    const names = listUserVocabularies().map((v) => v.name);
    expect(names).toContain('kept');
    expect(names.every((n) => !n.startsWith('.'))).toBe(true);
    expect((await readUserVocabulary('kept')).tokens.length).toBe(vocab.tokens.length);
    // The server deletes such leftovers at start (main.ts); the files they were for stay whole.
    expect(await removeStaleTempFiles(dataDir())).toBeGreaterThanOrEqual(2);
    expect(readdirSync(userVocabularyDir()).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await readUserVocabulary('kept')).tokens.length).toBe(vocab.tokens.length);
  });
});

describe('a process killed (SIGKILL) while saving a language model', () => {
  it('leaves the old or the new model file, whole, after every restart', async () => {
    const files = [join(tmp, 'older.tlm'), join(tmp, 'newer.tlm')];
    for (const [i, file] of files.entries())
      await writeModelFile(file, buildModel(sequences(i + 1, 5000), { order: 3, vocabularySize: 2000 }));
    const versions = files.map((f) => readFileSync(f));
    const dir = join(tmp, 'data', 'models');
    mkdirSync(dir, { recursive: true });
    const target = join(dir, 'victim.tlm');
    await writeModelFile(target, await readModelFile(files[0]));
    const leftovers = await killWhileSaving(['model', target, ...files], dir, async (round) => {
      const found = readFileSync(target);
      expect(
        versions.findIndex((v) => v.equals(found)),
        `after kill ${round + 1} the model file has ${found.length} bytes`,
      ).toBeGreaterThanOrEqual(0);
      expect((await readModelFile(target)).info.vocabularySize).toBe(2000);
    });
    console.log(`${KILLS} kills left ${leftovers} temporary model file(s) behind`);
  });
});

describe('a training worker that runs out of memory', () => {
  it('fails its job with a message, and this process goes on training', async () => {
    const path = join(tmp, 'many-words.txt');
    writeFileSync(path, manyWords());
    process.env.TOKENLAB_WORKER_HEAP_MB = '32';
    let job;
    try {
      job = startTrainJob([path], { pattern: 'gpt2', vocabSize: 20_000, threads: 1 }, () => {});
    } finally {
      delete process.env.TOKENLAB_WORKER_HEAP_MB;
    }
    await expect(job.result).rejects.toThrow(/^training failed: .*out of memory/);
    const small = join(tmp, 'small.txt');
    writeFileSync(small, 'the lab keeps training after a worker ran out of memory\n'.repeat(100));
    const vocab = await startTrainJob([small], { pattern: 'gpt2', vocabSize: 300, threads: 1 }, () => {}).result;
    expect('tokens' in vocab && vocab.tokens.length).toBeGreaterThan(256);
  });

  it('refuses a heap limit that is not a positive number of MB', () => {
    process.env.TOKENLAB_WORKER_HEAP_MB = 'lots';
    try {
      expect(() => startTrainJob([join(tmp, 'x.txt')], { pattern: 'gpt2', vocabSize: 300 }, () => {})).toThrow(
        /TOKENLAB_WORKER_HEAP_MB must be a positive number of megabytes, not "lots"/,
      );
    } finally {
      delete process.env.TOKENLAB_WORKER_HEAP_MB;
    }
  });
});

describe('the built server, killed or short of memory while it trains', () => {
  const servers: ChildProcess[] = [];
  beforeAll(async () => {
    await addUserCorpus('many-words', new TextEncoder().encode(manyWords()));
  });
  afterAll(() => {
    for (const s of servers) s.kill('SIGKILL');
  });

  async function start(env: Record<string, string> = {}): Promise<ServerProcess> {
    const server = await startBuiltServer(env); // TOKENLAB_DATA: this file's data directory
    servers.push(server.child);
    return server;
  }

  async function jobOf(url: string, id: string): Promise<JobRecord> {
    return ((await (await fetch(`${url}/api/jobs/${id}`)).json()) as { job: JobRecord }).job;
  }

  /** Starts a training of the many-words corpus; resolves to its job id once it runs. */
  async function train(url: string, name: string): Promise<string> {
    const res = await fetch(`${url}/api/train`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, corpora: ['many-words'], vocabSize: 65_536, pattern: 'gpt2', minFrequency: 2, specials: [] }),
    });
    expect(res.status).toBe(202);
    const { id } = ((await res.json()) as { job: JobRecord }).job;
    await expect.poll(async () => (await jobOf(url, id)).state, { timeout: 60_000, interval: 50 }).not.toBe('queued');
    return id;
  }

  /** The job's record as a restart will find it (`<data dir>/jobs/ID.json`), or undefined before its first write. */
  function recordOnDisk(id: string): JobRecord | undefined {
    try {
      return JSON.parse(readFileSync(join(tmp, 'data', 'jobs', `${id}.json`), 'utf8')) as JobRecord;
    } catch {
      return undefined;
    }
  }

  it('shows the job it was running as interrupted after a SIGKILL and a restart, and saves no part of it', async () => {
    const first = await start();
    const id = await train(first.url, 'cut-short');
    // Records are written in the background: kill once the record says the job runs (a kill in the first
    // milliseconds after the 202 can find no record at all, and the job is then unknown after the restart).
    await expect.poll(() => recordOnDisk(id)?.state, { timeout: 60_000, interval: 20 }).toBe('running');
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const second = await start();
    expect(await jobOf(second.url, id)).toMatchObject({
      state: 'interrupted',
      message: expect.stringMatching(/server stopped while this job was running/),
    });
    expect(listUserVocabularies().map((v) => v.name)).not.toContain('cut-short');
  });

  it('fails a training whose worker runs out of memory, says so, and keeps answering', async () => {
    const server = await start({ TOKENLAB_WORKER_HEAP_MB: '32' });
    const id = await train(server.url, 'too-big');
    await expect.poll(async () => (await jobOf(server.url, id)).state, { timeout: 60_000, interval: 50 }).toBe('failed');
    expect((await jobOf(server.url, id)).message).toMatch(/out of memory/);
    const res = await fetch(`${server.url}/api/tokenize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'still here 还在', tokenizer: 'cl100k_base' }),
    });
    expect(res.status).toBe(200);
    expect(listUserVocabularies().map((v) => v.name)).not.toContain('too-big');
  });
});
