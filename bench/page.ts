/**
 * `npm run bench:page`: server time for a 100 kB paste, the budget being 50 ms with cl100k_base.
 * The text is 100 kB of d2l-mix (the first 50 kB of d2l-zh.txt, then the first 50 kB of d2l-en.txt, each cut
 * at a character boundary). Times POST /fragment/tokenize (what the page asks as you type: encoding,
 * statistics and the HTML of the windowed result) and POST /api/tokenize (the JSON of every token), through
 * the app's request API, so no socket is measured. Options: --tokenizer NAME (default cl100k_base), --runs N.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createApp } from '../src/server/app.js';
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

const requests: Record<string, () => Response | Promise<Response>> = {
  'POST /fragment/tokenize': () =>
    app.request('/fragment/tokenize', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ text, tokenizer }).toString(),
    }),
  'POST /api/tokenize': () =>
    app.request('/api/tokenize', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, tokenizer }),
    }),
};

async function timeOf(request: () => Response | Promise<Response>): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await request();
  const body = await res.text();
  if (res.status !== 200) throw new Error(`status ${res.status}: ${body.slice(0, 200)}`);
  return { ms: performance.now() - started, bytes: body.length };
}

console.log(`${Buffer.byteLength(text)} bytes of d2l-mix, ${tokenizer}, ${runs} runs each after a warm-up run`);
const rows = [];
for (const [name, request] of Object.entries(requests)) {
  await timeOf(request); // loads the tokenizer and warms the JIT
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t = await timeOf(request);
    times.push(t.ms);
    bytes = t.bytes;
  }
  times.sort((a, b) => a - b);
  rows.push({
    request: name,
    'median ms': times[Math.floor(times.length / 2)],
    'p90 ms': times[Math.floor(times.length * 0.9)],
    'max ms': times[times.length - 1],
    'response kB': bytes / 1000,
  });
}
console.log(table(rows));
