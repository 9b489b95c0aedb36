/**
 * npm run bench:load — the tokenize API under load, on loopback only, bounded in time.
 *
 * Starts the built server (dist/src/server/main.js) as a child process on 127.0.0.1 with a free port and a
 * fresh data directory, then drives POST /api/tokenize with autocannon: 64 connections, each request 10 kB of
 * mixed Chinese/English text (one of 32 texts cut from d2l-zh.txt and d2l-en.txt in ../shared/corpora, 1 kB
 * slices in turn; the bundled parallel-zh-en corpus when ../shared is absent).
 *
 * Each phase is measured after 3 s of the same load that are not counted. Phase 1: the server alone. Phase 2: while a training job on bench-mix runs (bench-mix.txt from
 * ../shared/corpora is added as a user corpus in the data directory before the server starts; the job is
 * POST /api/train with a 65,536-token vocabulary, cancelled after the load). Prints requests per second,
 * p50/p99 latency, errors, timeouts and non-2xx answers, and the targets: no errors, p99 under 100 ms alone
 * and under 250 ms during training. autocannon runs in this process, so on a small machine it takes CPU from
 * the server: the figures are a lower bound of what the server alone could do. The last columns (Linux) say
 * how busy the server's event loop was (requests are answered by tokenize threads, TOKENLAB_TOKENIZE_THREADS:
 * the loop only reads and writes), the CPU per request of the whole server process (loop, tokenize threads,
 * GC, training) and of this process, the load generator: with all cores busy, their sum per request sets the
 * throughput.
 *
 * Options: --seconds N (per phase, default 30), --connections N (default 64), --tokenizer NAME (default
 * cl100k_base), --no-train (phase 1 only).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { listBundledCorpora } from '../src/store/corpora/catalogue.js';
import { addUserCorpus } from '../src/store/user-corpora.js';
import { SHARED, table } from './shared.js';

const require = createRequire(import.meta.url);

/** The part of autocannon's result this bench reads (autocannon ships no types). */
interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<LoadResult>;
const autocannon = require('autocannon') as Autocannon;

const args = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}
const SECONDS = Number(option('--seconds', '30'));
const CONNECTIONS = Number(option('--connections', '64'));
const TOKENIZER = option('--tokenizer', 'cl100k_base');
const TRAIN = !args.includes('--no-train');
const WARM_SECONDS = 3;
const TEXT_BYTES = 10_000;
const SLICE_BYTES = 1_000;
const TEXTS = 32;
const TRAIN_CORPUS = 'bench-mix';
const TRAIN_VOCAB_SIZE = 65_536;
const MAIN = fileURLToPath(new URL('../src/server/main.js', import.meta.url)); // dist/bench -> dist/src
const corpora = join(SHARED, 'corpora');

if (!(SECONDS > 0 && SECONDS <= 600) || !(CONNECTIONS >= 1 && CONNECTIONS <= 1024)) {
  console.error('bench:load: --seconds must be in 1..600 and --connections in 1..1024');
  process.exit(2);
}

/** `buf` from `start`, about `size` bytes, moved to UTF-8 character boundaries. */
function slice(buf: Buffer, start: number, size: number): string {
  const boundary = (i: number) => {
    while (i < buf.length && (buf[i] & 0xc0) === 0x80) i++;
    return i;
  };
  const s = boundary(start);
  return buf.toString('utf8', s, boundary(Math.min(buf.length, s + size)));
}

/** TEXTS texts of TEXT_BYTES each (to a character boundary), alternating slices of the sources from spread-out places. */
function mixedTexts(sources: Buffer[]): string[] {
  const texts: string[] = [];
  let k = 0;
  for (let t = 0; t < TEXTS; t++) {
    const parts: string[] = [];
    for (let bytes = 0; bytes < TEXT_BYTES; k++) {
      const src = sources[k % sources.length];
      const start = Math.floor((((k * 2_654_435_761) % 2 ** 32) / 2 ** 32) * Math.max(1, src.length - SLICE_BYTES));
      parts.push(slice(src, start, SLICE_BYTES));
      bytes += Buffer.byteLength(parts[parts.length - 1]);
    }
    texts.push(slice(Buffer.from(parts.join('')), 0, TEXT_BYTES));
  }
  return texts;
}

function loadTexts(): { texts: string[]; from: string } {
  const d2l = ['d2l-zh.txt', 'd2l-en.txt'].map((f) => join(corpora, f));
  if (d2l.every((p) => existsSync(p))) return { texts: mixedTexts(d2l.map((p) => readFileSync(p))), from: 'd2l-zh.txt + d2l-en.txt' };
  const parallel = listBundledCorpora().find((c) => c.name === 'parallel-zh-en')!;
  return { texts: mixedTexts([readFileSync(parallel.path)]), from: `${parallel.name} (../shared is absent)` };
}

/** Starts the server with HOST unset (loopback) and PORT=0; resolves to its base URL once it listens. */
async function startServer(data: string): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HOST: undefined, PORT: '0', TOKENLAB_DATA: data },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: server.stdout! })) {
    const m = /^tokenlab listening on http:\/\/localhost:(\d+) \(host 127\.0\.0\.1/.exec(line);
    if (m) return { server, url: `http://127.0.0.1:${m[1]}` }; // other lines come first (the first model's build)
  }
  throw new Error('the server exited without saying it listens on localhost');
}

/** CPU seconds in a /proc stat line (fields 14 and 15: utime, stime, in USER_HZ ticks of 10 ms). */
function statCpuSeconds(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds used so far by the server: its main thread (the event loop, which reads requests and writes
 * answers; tokenize threads and training run in other threads) and the whole process. Linux's /proc;
 * undefined elsewhere.
 */
function serverCpuSeconds(pid: number): { loop: number; all: number } | undefined {
  try {
    return { loop: statCpuSeconds(`/proc/${pid}/task/${pid}/stat`), all: statCpuSeconds(`/proc/${pid}/stat`) };
  } catch {
    return undefined;
  }
}

interface PhaseResult extends LoadResult {
  /** CPU seconds the server's event loop and the whole server used during the load. */
  cpu: { loop: number; all: number } | undefined;
  /** CPU seconds this process (autocannon, the load generator) used. */
  clientCpuSeconds: number;
}

/** autocannon on POST /api/tokenize for `seconds`, each request the next of `bodies`. */
function drive(url: string, bodies: string[], seconds: number): Promise<LoadResult> {
  let next = 0;
  return autocannon({
    url: `${url}/api/tokenize`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
  });
}

/**
 * One phase: WARM_SECONDS of load not counted (every tokenize thread loads the tokenizer and compiles its hot
 * code), then SECONDS measured.
 */
async function load(url: string, texts: string[], pid: number): Promise<PhaseResult> {
  const bodies = texts.map((text) => JSON.stringify({ text, tokenizer: TOKENIZER })); // made once: the client's CPU is the server's too
  const first = await fetch(`${url}/api/tokenize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[0] });
  if (!first.ok) throw new Error(`POST /api/tokenize answered ${first.status}: ${await first.text()}`);
  await drive(url, bodies, WARM_SECONDS);
  const cpuBefore = serverCpuSeconds(pid);
  const clientBefore = process.cpuUsage();
  const result = await drive(url, bodies, SECONDS);
  const cpuAfter = serverCpuSeconds(pid);
  const client = process.cpuUsage(clientBefore);
  const cpu = cpuBefore && cpuAfter ? { loop: cpuAfter.loop - cpuBefore.loop, all: cpuAfter.all - cpuBefore.all } : undefined;
  return { ...result, cpu, clientCpuSeconds: (client.user + client.system) / 1e6 };
}

function row(phase: string, r: PhaseResult, targetP99: number): Record<string, string | number> {
  const ok = r.errors === 0 && r.timeouts === 0 && r.non2xx === 0 && r.latency.p99 < targetP99;
  return {
    phase,
    'requests/s': r.requests.average,
    requests: r.requests.total,
    'p50 ms': r.latency.p50,
    'p99 ms': r.latency.p99,
    'max ms': r.latency.max,
    errors: r.errors,
    timeouts: r.timeouts,
    'non-2xx': r.non2xx,
    'event loop busy': r.cpu === undefined ? 'n/a' : `${((100 * r.cpu.loop) / SECONDS).toFixed(0)}%`,
    'loop CPU ms/req': r.cpu === undefined ? 'n/a' : ((1000 * r.cpu.loop) / Math.max(1, r.requests.total)).toFixed(2),
    'server CPU ms/req': r.cpu === undefined ? 'n/a' : ((1000 * r.cpu.all) / Math.max(1, r.requests.total)).toFixed(2),
    'client CPU ms/req': ((1000 * r.clientCpuSeconds) / Math.max(1, r.requests.total)).toFixed(2),
    target: `no errors, p99 < ${targetP99} ms: ${ok ? 'met' : 'MISSED'}`,
  };
}

interface JobView {
  id: string;
  state: string;
  progress?: { phase?: string; merges?: number; totalMerges?: number; countedBytes?: number; totalBytes?: number } | null;
}

async function job(url: string, id: string): Promise<JobView | undefined> {
  const res = await fetch(`${url}/api/jobs/${id}`);
  if (!res.ok) return undefined;
  const body = (await res.json()) as { job?: JobView } & JobView;
  return body.job ?? body;
}

function describeJob(j: JobView | undefined): string {
  if (!j) return 'state unknown (no GET /api/jobs/:id)';
  const p = j.progress;
  if (!p) return j.state;
  return `${j.state}, ${p.phase ?? ''} ${p.phase === 'counting' ? `${((p.countedBytes ?? 0) / 2 ** 20).toFixed(0)} of ${((p.totalBytes ?? 0) / 2 ** 20).toFixed(0)} MB` : `${p.merges ?? 0} of ${p.totalMerges ?? 0} merges`}`;
}

/** Starts training on bench-mix; the job id, or the reason phase 2 cannot run. */
async function startTraining(url: string): Promise<{ id: string } | { skipped: string }> {
  const res = await fetch(`${url}/api/train`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench-load',
      corpora: [TRAIN_CORPUS],
      vocabSize: TRAIN_VOCAB_SIZE,
      pattern: 'cjk',
      minFrequency: 2,
      specials: [],
    }),
  });
  if (res.status === 404 && !(await res.text()).includes(TRAIN_CORPUS)) return { skipped: 'no /api/train' };
  if (res.status !== 202) return { skipped: `POST /api/train answered ${res.status}: ${await res.text()}` };
  const body = (await res.json()) as { job: { id: string } };
  for (let i = 0; i < 600; i++) {
    const j = await job(url, body.job.id);
    if (!j || j.state === 'running') return { id: body.job.id };
    if (j.state !== 'queued') return { skipped: `the training job ended before the load: ${j.state}` };
    await new Promise((r) => setTimeout(r, 100));
  }
  return { skipped: 'the training job did not start within 60 s' };
}

async function main(): Promise<void> {
  const { texts, from } = loadTexts();
  const data = mkdtempSync(join(tmpdir(), 'tokenlab-load-'));
  const benchMix = join(corpora, `${TRAIN_CORPUS}.txt`);
  const canTrain = TRAIN && existsSync(benchMix);
  let server: ChildProcess | undefined;
  // Bounded: whatever happens, the server is stopped and the bench ends.
  const limit = setTimeout(
    () => {
      console.error('bench:load: over its time bound; stopping');
      server?.kill('SIGKILL');
      process.exit(3);
    },
    (2 * (SECONDS + WARM_SECONDS) + 300) * 1000,
  );
  limit.unref();
  try {
    if (canTrain) {
      process.env.TOKENLAB_DATA = data; // the server gets the same data directory
      await addUserCorpus(TRAIN_CORPUS, readFileSync(benchMix));
    }
    const started = await startServer(data);
    server = started.server;
    const { url } = started;
    const kb = (texts.reduce((s, t) => s + Buffer.byteLength(t), 0) / texts.length / 1000).toFixed(1);
    console.log(
      `bench:load: POST ${url}/api/tokenize (${TOKENIZER}), ${CONNECTIONS} connections, ${SECONDS} s per phase, ` +
        `${texts.length} texts of ${kb} kB from ${from}`,
    );
    const loadBefore = loadavg()[0];
    const rows = [row('alone', await load(url, texts, server.pid!), 100)];
    let note: string;
    if (!TRAIN) note = 'phase 2 skipped: --no-train';
    else if (!canTrain) note = `phase 2 skipped: ${benchMix} is absent`;
    else {
      const training = await startTraining(url);
      if ('skipped' in training) note = `phase 2 skipped: ${training.skipped}`;
      else {
        rows.push(row(`while training on ${TRAIN_CORPUS}`, await load(url, texts, server.pid!), 250));
        note = `training job ${training.id} when the load ended: ${describeJob(await job(url, training.id))} (then cancelled)`;
        await fetch(`${url}/api/jobs/${training.id}/cancel`, { method: 'POST' });
      }
    }
    console.log(table(rows));
    console.log(note);
    // Other processes compete for the same cores: a load average above the core count inflates the latencies.
    console.log(
      `machine load average (1 min): ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after, on ${availableParallelism()} cores`,
    );
  } finally {
    server?.kill();
    rmSync(data, { recursive: true, force: true });
    clearTimeout(limit);
  }
}

await main();
