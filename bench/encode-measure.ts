/**
 * What every bench:encode child shares (bench/encode.ts describes the method): the texts, a contender's warm-up
 * and timed passes, the resident memory it holds, and running a child (encode.js again, with `--child`) for the
 * JSON line it prints.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One contender's encode function: the number of tokens of one text. */
export type Count = (text: string) => number | Promise<number>;

/** What the timed passes give. */
export interface Passes {
  tokens: number;
  /** Best of the passes. */
  mbps: number;
  /** MB per second of CPU time (user + system, all threads of the child), best of the passes. */
  cpuMbps: number;
  partial: boolean;
}

const WARM_MS = 3000;
const MIN_PASSES = 3;
const MIN_TIMED_MS = 5000;

/** `buf` cut into slices of about `size` bytes, each ending on a UTF-8 character boundary. */
export function slices(buf: Buffer, size: number): string[] {
  const out: string[] = [];
  let s = 0;
  while (s < buf.length) {
    let e = Math.min(buf.length, s + size);
    while (e < buf.length && (buf[e] & 0xc0) === 0x80) e--;
    out.push(buf.toString('utf8', s, e));
    s = e;
  }
  return out;
}

/** The first `n` bytes of a file, less any character cut at the end. */
export function headBytes(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(n + 1);
  const got = readSync(fd, buf, 0, n + 1, 0);
  closeSync(fd);
  if (got <= n) return buf.subarray(0, got);
  let e = n;
  while (e > 0 && (buf[e] & 0xc0) === 0x80) e--; // buf[e] is the first byte left out: not a continuation
  return buf.subarray(0, e);
}

export async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const s = performance.now();
  const v = await f();
  return [v, performance.now() - s];
}

/**
 * The child's resident set size in MiB, after a full garbage collection when the child runs with --expose-gc
 * (model children do), so that what is measured is what is held, not garbage waiting.
 */
export function residentMiB(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.(); // a second pass frees what the first one's finalizers let go
  return process.memoryUsage().rss / 2 ** 20;
}

/** One timed pass over the texts, cut short after maxPassMs. */
async function pass(count: Count, texts: string[], sizes: number[], maxPassMs: number): Promise<Passes> {
  let tokens = 0;
  let bytes = 0;
  let done = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (const t of texts) {
    const r = count(t);
    tokens += typeof r === 'number' ? r : await r; // awaiting a number would cost a microtask turn per text
    bytes += sizes[done++];
    if (performance.now() - start > maxPassMs) break;
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { tokens, mbps: bytes / 1e6 / seconds, cpuMbps: bytes / 1e6 / cpuSeconds, partial: done < texts.length };
}

/**
 * A loaded contender warmed up on the texts for WARM_MS, then timed: at least MIN_PASSES passes and as many
 * more as fit in MIN_TIMED_MS, the best for wall and for CPU time; a pass cut short by maxPassMs is the only one.
 */
export async function measure(name: string, count: Count, texts: string[], maxPassMs: number): Promise<Passes> {
  const sizes = texts.map((t) => Buffer.byteLength(t, 'utf8'));
  const warmStart = performance.now();
  warm: for (;;) {
    for (const t of texts) {
      const r = count(t);
      if (typeof r !== 'number') await r;
      if (performance.now() - warmStart > WARM_MS) break warm;
    }
  }
  const timedStart = performance.now();
  const first = await pass(count, texts, sizes, maxPassMs);
  const best = { ...first };
  for (let i = 1; !first.partial && (i < MIN_PASSES || performance.now() - timedStart < MIN_TIMED_MS); i++) {
    const r = await pass(count, texts, sizes, maxPassMs);
    if (!r.partial && r.tokens !== first.tokens) {
      throw new Error(`${name}: passes gave ${first.tokens} and ${r.tokens} tokens`);
    }
    best.mbps = Math.max(best.mbps, r.mbps);
    best.cpuMbps = Math.max(best.cpuMbps, r.cpuMbps);
  }
  return best;
}

const ENCODE_SCRIPT = fileURLToPath(new URL('./encode.js', import.meta.url));

/**
 * Runs `encode.js --child <spec as JSON>` in a fresh Node process (with `nodeArgs` before the script) and
 * returns the JSON of the last line it prints; `label` names it in an error.
 */
export function inChild<T>(label: string, spec: unknown, maxPassMs: number, nodeArgs: string[] = []): Promise<T> {
  const childArgs = ['--child', JSON.stringify(spec), '--max-seconds', String(maxPassMs / 1000)];
  const proc = spawn(process.execPath, [...process.execArgv, ...nodeArgs, ENCODE_SCRIPT, ...childArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`child ${label} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
    });
  });
}
