/**
 * `npm run bench:page`: server time for a 100 kB paste, the budget being 50 ms with cl100k_base.
 * The text is 100 kB of d2l-mix (the first 50 kB of d2l-zh.txt, then the first 50 kB of d2l-en.txt, each cut
 * at a character boundary). Times POST /fragment/tokenize (what the page asks as you type: encoding,
 * statistics and the HTML of the windowed result) and POST /api/tokenize (the JSON of every token), through
 * the app's request API, so no socket is measured; and, for the share of it, tokenize() alone (encoding, spans
 * and statistics). Options: --tokenizer NAME (default cl100k_base), --runs N.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createApp } from '../src/server/app.js';
import { tokenize } from '../src/server/tokenize.js';
import { corpusPath, table } from './shared.js';

const { values } = parseArgs({ options: { tokenizer: { type: 'string' }, runs: { type: 'string' } } });
const tokenizer = values.tokenizer ?? 'cl100k_base';
const runs = Number(values.runs ?? 30);

/** The first `bytes` bytes of a file, cut back to a character boundary. */
function head(name: string, bytes: number): string {
  const buf = readFileSync(corpusPath(name)).subarray(0, bytes);
  let end = buf.length;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

const text = head('d2l-zh.txt', 50_000) + head('d2l-en.txt', 50_000);
const app = createApp();

/** Each case answers the size of what it produced (0 for tokenize() alone). */
const cases: Record<string, () => Promise<number>> = {
  'POST /fragment/tokenize': () =>
    bodyLength(
      app.request('/fragment/tokenize', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ text, tokenizer }).toString(),
      }),
    ),
  'POST /api/tokenize': () =>
    bodyLength(
      app.request('/api/tokenize', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text, tokenizer }),
      }),
    ),
  'tokenize() alone': () => tokenize(text, tokenizer).then(() => 0),
};

async function bodyLength(response: Response | Promise<Response>): Promise<number> {
  const res = await response;
  const body = await res.text();
  if (res.status !== 200) throw new Error(`status ${res.status}: ${body.slice(0, 200)}`);
  return body.length;
}

/** Wall time and this process's CPU time (all its threads): on a busy machine the CPU time is the steadier. */
async function timeOf(run: () => Promise<number>): Promise<{ ms: number; cpuMs: number; size: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const size = await run();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, size };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`${Buffer.byteLength(text)} bytes of d2l-mix, ${tokenizer}, ${runs} runs each after a warm-up run`);
const rows = [];
for (const [name, run] of Object.entries(cases)) {
  await timeOf(run); // loads the tokenizer and warms the JIT
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const t = await timeOf(run);
    times.push(t.ms);
    cpuTimes.push(t.cpuMs);
    size = t.size;
  }
  times.sort((a, b) => a - b);
  rows.push({
    case: name,
    'min ms': times[0],
    'median ms': median(times),
    'p90 ms': times[Math.floor(times.length * 0.9)],
    'median CPU ms': median(cpuTimes),
    'response kB': size / 1000,
  });
}
console.log(table(rows));
