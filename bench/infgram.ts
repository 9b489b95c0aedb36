/**
 * npm run bench:infgram — the infini-gram index (issue 20) on ../shared/corpora's d2l-zh, d2l-en and bench-mix
 * and on all bundled corpora together, one line a document, encoded with cl100k_base; and on a 10M-token corpus:
 * bench-mix's first lines up to 10 million tokens (bench-mix holds about 32 million).
 *
 * - build: SA-IS and packing from the ids in memory (tokenizing not counted), tokens per second (best of two
 *   below 5 M tokens, one run above), and the file's bytes per token;
 * - queries run on the index read back from its file (views of the file's bytes): `count` of spans of 1 to 50
 *   tokens and `next` after contexts of 1 to 50 tokens, half of them spans of the corpus, half of another
 *   corpus (so that suffix lengths vary), each timed alone: median and p99;
 * - scoring: tokens per second of `scoreTokens` over 100k tokens of the other corpus (a constant fallback).
 *
 * Options: --skip-mix (leave out bench-mix and the 10M corpus), --queries N (default 2000).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInfiniGram } from '../src/lm/infgram/build.js';
import { count } from '../src/lm/infgram/count.js';
import { nextTokens } from '../src/lm/infgram/next-tokens.js';
import { scoreTokens } from '../src/lm/infgram/score.js';
import { ensureBundledCorpora } from '../src/store/corpora/extract.js';
import { readInfiniGramFile, writeInfiniGramFile } from '../src/store/infgram-files.js';
import { tiktokenEncoding } from '../src/store/tokenizers.js';
import { corpusPath, peakRssMB, table } from './shared.js';

const args = process.argv.slice(2);
const skipMix = args.includes('--skip-mix');
const QUERIES = args.includes('--queries') ? Number(args[args.indexOf('--queries') + 1]) : 2000;
const TEN_MILLION = 10_000_000;
const tokenizer = tiktokenEncoding('cl100k_base');
const dir = mkdtempSync(join(tmpdir(), 'tokenlab-bench-infgram-'));

function encodeLines(text: string): number[][] {
  return text.split('\n').map((l) => tokenizer.encodeOrdinary(l));
}

/** Deterministic numbers in [0, 1) (a linear congruential generator). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Spans of 1 to 50 tokens: from random lines of `own`, or of `other` every second time. */
function spans(own: number[][], other: number[][], n: number, seed: number): number[][] {
  const rand = lcg(seed);
  const pools = [own.filter((l) => l.length > 0), other.filter((l) => l.length > 0)];
  return Array.from({ length: n }, (_, i) => {
    const pool = pools[i % 2];
    const line = pool[Math.floor(rand() * pool.length)];
    const length = 1 + Math.floor(rand() * 50);
    const start = Math.max(0, Math.floor(rand() * (line.length - length + 1)));
    return line.slice(start, start + length);
  });
}

/** Each query timed alone, in milliseconds: median and p99. */
function latency(queries: number[][], run: (q: number[]) => unknown): { median: number; p99: number } {
  for (const q of queries.slice(0, 200)) run(q); // warm-up
  const times = new Float64Array(queries.length);
  queries.forEach((q, i) => {
    const t = performance.now();
    run(q);
    times[i] = performance.now() - t;
  });
  times.sort();
  return { median: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

interface Row {
  corpus: string;
  tokens: number;
  lines: number;
  distinct: number;
  buildSeconds: number;
  bytesPerToken: number;
  loadSeconds: number;
  count: { median: number; p99: number };
  next: { median: number; p99: number };
  meanSuffix: number;
  scorePerSecond: number;
}

/** Builds the index (best of two runs below 5M tokens) and writes the first; its build seconds and file bytes. */
async function buildAndWrite(
  name: string,
  lines: number[][],
  tokens: number,
  path: string,
): Promise<{ buildSeconds: number; bytes: number }> {
  let buildSeconds = Infinity;
  let bytes = 0;
  for (let run = 0; run < (tokens < 5e6 ? 2 : 1); run++) {
    const t = performance.now();
    const index = buildInfiniGram(lines, { tokenizer: 'cl100k_base', source: name });
    buildSeconds = Math.min(buildSeconds, (performance.now() - t) / 1000);
    if (run === 0) bytes = await writeInfiniGramFile(path, index);
  }
  return { buildSeconds, bytes };
}

async function measure(name: string, lines: number[][], other: number[][]): Promise<Row> {
  const tokens = lines.reduce((s, l) => s + l.length, 0);
  const path = join(dir, `${name}.infgram`);
  const { buildSeconds, bytes } = await buildAndWrite(name, lines, tokens, path);
  const t = performance.now();
  const loaded = await readInfiniGramFile(path);
  const loadSeconds = (performance.now() - t) / 1000;
  const queries = spans(lines, other, QUERIES, 11);
  const countLatency = latency(queries, (q) => count(loaded, q));
  const nextLatency = latency(queries, (q) => nextTokens(loaded, q));
  const meanSuffix = queries.reduce((s, q) => s + nextTokens(loaded, q).suffixLength, 0) / queries.length;
  const scored = other.flat().slice(0, 100_000);
  const s = performance.now();
  scoreTokens(loaded, scored, new Float64Array(scored.length).fill(1e-5));
  const scorePerSecond = scored.length / ((performance.now() - s) / 1000);
  rmSync(path);
  return {
    corpus: name,
    tokens,
    lines: lines.length,
    distinct: loaded.vocabulary.length,
    buildSeconds,
    bytesPerToken: bytes / tokens,
    loadSeconds,
    count: countLatency,
    next: nextLatency,
    meanSuffix,
    scorePerSecond,
  };
}

const rows: Row[] = [];
try {
  const zh = encodeLines(readFileSync(corpusPath('d2l-zh.txt'), 'utf8'));
  const en = encodeLines(readFileSync(corpusPath('d2l-en.txt'), 'utf8'));
  rows.push(await measure('d2l-zh', zh, en));
  rows.push(await measure('d2l-en', en, zh));
  const bundled = await ensureBundledCorpora();
  const all = bundled.corpora.flatMap((c) => encodeLines(readFileSync(c.path, 'utf8').replace(/\n$/, '')));
  rows.push(await measure(`bundled (${bundled.corpora.length} corpora)`, all, zh));
  if (!skipMix) {
    let mix: number[][] | null = encodeLines(readFileSync(corpusPath('bench-mix.txt'), 'utf8'));
    const ten: number[][] = [];
    for (let i = 0, n = 0; n < TEN_MILLION && i < mix.length; n += mix[i++].length) ten.push(mix[i]);
    rows.push(await measure('bench-mix', mix, zh));
    mix = null;
    rows.push(await measure('bench-mix, first 10M tokens', ten, zh));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const ms = (x: number) => (x < 0.1 ? `${(x * 1000).toFixed(1)} µs` : `${x.toFixed(2)} ms`);
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${cpus().length} cores; cl100k_base, one line a document; ${QUERIES} queries per corpus, 1 to 50 tokens, ` +
    `half spans of the corpus, half of another; peak RSS ${Math.round(peakRssMB())} MB\n`,
);
console.log(
  table(
    rows.map((r) => ({
      corpus: r.corpus,
      tokens: r.tokens,
      lines: r.lines,
      'distinct ids': r.distinct,
      'build s': r.buildSeconds,
      'build M tokens/s (>= 1)': r.tokens / r.buildSeconds / 1e6,
      'file bytes/token (<= 6; 5)': r.bytesPerToken,
      'load s': r.loadSeconds,
      'count median (< 0.1 ms)': ms(r.count.median),
      'count p99': ms(r.count.p99),
      'next median (< 5 ms)': ms(r.next.median),
      'next p99': ms(r.next.p99),
      'mean suffix length': r.meanSuffix,
      'score k tokens/s': Math.round(r.scorePerSecond / 1000),
    })),
  ),
);
