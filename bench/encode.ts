/**
 * npm run bench:encode — tokenlab's Encoder against the JavaScript encoders, one thread, warm.
 *
 * - cl100k_base and o200k_base: tokenlab against `tiktoken` (WASM), `js-tiktoken`, `gpt-tokenizer` and
 *   `ai-tokenizer`.
 * - A custom 30k vocabulary (trained here on d2l-mix, gpt2 pattern): against Hugging Face `tokenizers` (the
 *   exported tokenizer.json; `encode` one slice at a time) and `tiktoken` loaded with the exported ranks.
 *
 * Texts: 10 kB slices (UTF-8 bytes, cut at character boundaries), each encoded by its own call, of d2l-mix
 * (d2l-zh.txt then d2l-en.txt) and of the first 16 MB of bench-mix.txt. (Encoded as one 16 MB string,
 * gpt-tokenizer and ai-tokenizer fall to about 0.2 MB/s and js-tiktoken to 0.3-0.5, which would make the
 * bench take many minutes; tokenlab and tiktoken are unaffected.) Each encoder is warmed up for 3 s on the
 * corpus before the timed pass (which therefore finds piece caches, tokenlab's and the peers', filled;
 * `tokenlab, no piece cache` shows tokenlab without its cache). Prints MB/s (UTF-8 MB per second of wall time,
 * and per second of the process's CPU time, which other work on a shared machine disturbs less), each peer's
 * ratio (tokenlab / peer) on both, load times, and any token count that differs from tokenlab's.
 *
 * A timed pass stops after --max-seconds (default 30): gpt-tokenizer and ai-tokenizer fall to about 0.2 MB/s on
 * bench-mix even in 10 kB slices, and a whole pass would take minutes each. Their MB/s is then over the
 * slices done (bench-mix is shuffled, so a prefix is a fair sample), marked
 * "partial", and their token count is not compared.
 *
 * Options: --corpus d2l|bench|all (default all); --skip-slow leaves js-tiktoken out of the bench-mix run;
 * --max-seconds N.
 */
process.env.RAYON_NUM_THREADS = '1'; // tokenizers: one thread (read when its pool starts)

import { readFileSync, openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Encoder } from '../src/bpe/encoder.js';
import { exportTokenizerJson } from '../src/bpe/hf-format.js';
import { exportTiktokenRanks, tiktokenPatStr } from '../src/bpe/tiktoken-format.js';
import { trainFiles } from '../src/jobs/train-files.js';
import { corpusPath, table } from './shared.js';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const which = args.includes('--corpus') ? args[args.indexOf('--corpus') + 1] : 'all';
const skipSlow = args.includes('--skip-slow');
const maxPassMs = 1000 * (args.includes('--max-seconds') ? Number(args[args.indexOf('--max-seconds') + 1]) : 30);

type EncName = 'cl100k_base' | 'o200k_base';
interface Corpus {
  name: string;
  texts: string[];
  /** UTF-8 bytes of each text. */
  sizes: number[];
  /** 10 kB slices to warm up on. */
  warm: string[];
  bytes: number;
}
const WARM_MS = 3000;
interface Contender {
  name: string;
  /** Encodes one text, returning its number of tokens. */
  count: (text: string) => number | Promise<number>;
  loadMs?: number;
  slow?: boolean;
}

/** `buf` cut into slices of about `size` bytes, each ending on a UTF-8 character boundary. */
function slices(buf: Buffer, size: number): string[] {
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
function headBytes(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(n + 1);
  const got = readSync(fd, buf, 0, n + 1, 0);
  closeSync(fd);
  if (got <= n) return buf.subarray(0, got);
  let e = n;
  while (e > 0 && (buf[e] & 0xc0) === 0x80) e--; // buf[e] is the first byte left out: not a continuation
  return buf.subarray(0, e);
}

const byteSizes = (texts: string[]): number[] => texts.map((t) => Buffer.byteLength(t, 'utf8'));

function corpora(): Corpus[] {
  const out: Corpus[] = [];
  if (which === 'd2l' || which === 'all') {
    const buf = Buffer.concat([readFileSync(corpusPath('d2l-zh.txt')), readFileSync(corpusPath('d2l-en.txt'))]);
    const texts = slices(buf, 10_000);
    out.push({ name: 'd2l-mix, 10 kB slices', texts, sizes: byteSizes(texts), warm: texts, bytes: buf.length });
  }
  if (which === 'bench' || which === 'all') {
    const buf = headBytes(corpusPath('bench-mix.txt'), 16 * 1024 * 1024);
    const texts = slices(buf, 10_000);
    const name = 'bench-mix, first 16 MB in 10 kB slices';
    out.push({ name, texts, sizes: byteSizes(texts), warm: texts, bytes: buf.length });
  }
  return out;
}

/**
 * Total tokens and MB/s of one encoder over a corpus: a warm-up (the corpus's 10 kB slices in order, again
 * and again for WARM_MS: JIT tiers and piece caches settle, also after the previous encoding's run left the
 * shared code with other feedback; one pass took as little as 0.3 s and the first encoder timed after it
 * often ran slower than its siblings), then one timed pass, cut
 * short after maxPassMs (`partial`: the MB/s is over the slices done, the token count is theirs).
 */
interface Measured {
  tokens: number;
  mbps: number;
  /** MB per second of CPU time (user + system, all threads of the process). */
  cpuMbps: number;
  partial: boolean;
}

async function measure(c: Contender, corpus: Corpus): Promise<Measured> {
  const warmStart = performance.now();
  warm: for (;;) {
    for (const t of corpus.warm) {
      await c.count(t);
      if (performance.now() - warmStart > WARM_MS) break warm;
    }
  }
  let tokens = 0;
  let bytes = 0;
  let done = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (const t of corpus.texts) {
    tokens += await c.count(t);
    bytes += corpus.sizes[done++];
    if (performance.now() - start > maxPassMs) break;
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const partial = done < corpus.texts.length;
  return { tokens, mbps: bytes / 1e6 / seconds, cpuMbps: bytes / 1e6 / cpuSeconds, partial };
}

function timed<T>(f: () => T): [T, number] {
  const s = performance.now();
  const v = f();
  return [v, performance.now() - s];
}

async function tiktokenContenders(name: EncName): Promise<Contender[]> {
  const jsonPath = require.resolve(`tiktoken/encoders/${name}.json`);
  // tokenlab cold load: parse the JSON the tiktoken package ships, build the Encoder from its rank data.
  const [data, parseMs] = timed(() => JSON.parse(readFileSync(jsonPath, 'utf8')));
  const [ours, buildMs] = timed(() =>
    Encoder.fromTiktokenRanks(data.bpe_ranks, { pattern: name === 'cl100k_base' ? 'cl100k' : 'o200k', specials: data.special_tokens }),
  );
  console.log(`tokenlab ${name} cold load: ${(parseMs + buildMs).toFixed(0)} ms (read + JSON.parse ${parseMs.toFixed(0)} ms, Encoder ${buildMs.toFixed(0)} ms)`);

  const { get_encoding } = await import('tiktoken');
  const [tk, tkMs] = timed(() => get_encoding(name));

  const jsTk = await import('js-tiktoken/lite');
  const ranks = (await import(`js-tiktoken/ranks/${name}`)).default;
  const [jt, jtMs] = timed(() => new jsTk.Tiktoken(ranks));

  let t = performance.now();
  const gpt = await import(`gpt-tokenizer/encoding/${name}`);
  const gptMs = performance.now() - t;

  t = performance.now();
  const ai = await import('ai-tokenizer');
  const aiEnc = await import(`ai-tokenizer/encoding/${name}`);
  const aiTok = new ai.default(aiEnc.default ?? aiEnc);
  const aiMs = performance.now() - t;

  const uncached = new Encoder(ours.vocab, { cacheSize: 0 });
  return [
    { name: 'tokenlab', count: (s) => ours.encodeOrdinary(s).length, loadMs: parseMs + buildMs },
    { name: 'tokenlab count()', count: (s) => ours.count(s) },
    { name: 'tokenlab, no piece cache', count: (s) => uncached.encodeOrdinary(s).length },
    { name: 'tiktoken (WASM)', count: (s) => tk.encode_ordinary(s).length, loadMs: tkMs },
    { name: 'js-tiktoken', count: (s) => jt.encode(s, [], []).length, loadMs: jtMs, slow: true },
    { name: 'gpt-tokenizer', count: (s) => gpt.encode(s, { disallowedSpecial: new Set() }).length, loadMs: gptMs },
    { name: 'ai-tokenizer', count: (s) => aiTok.encode(s, [], []).length, loadMs: aiMs },
  ];
}

async function customContenders(): Promise<Contender[]> {
  console.log('training the custom vocabulary (30,000, gpt2 pattern, d2l-mix)...');
  const [vocabP, trainMs] = timed(() =>
    trainFiles([corpusPath('d2l-zh.txt'), corpusPath('d2l-en.txt')], { pattern: 'gpt2', vocabSize: 30_000 }),
  );
  const vocab = await vocabP;
  void trainMs;
  const [ours, oursMs] = timed(() => new Encoder(vocab));
  const { Tokenizer } = require('tokenizers');
  const [hf, hfMs] = timed(() => Tokenizer.fromString(exportTokenizerJson(vocab)));
  const { Tiktoken } = await import('tiktoken');
  const [tk, tkMs] = timed(() => new Tiktoken(exportTiktokenRanks(vocab), {}, tiktokenPatStr(vocab.pattern)));
  const uncached = new Encoder(vocab, { cacheSize: 0 });
  return [
    { name: 'tokenlab', count: (s) => ours.encodeOrdinary(s).length, loadMs: oursMs },
    { name: 'tokenlab count()', count: (s) => ours.count(s) },
    { name: 'tokenlab, no piece cache', count: (s) => uncached.encodeOrdinary(s).length },
    { name: 'tokenizers (HF)', count: async (s) => (await hf.encode(s)).getIds().length, loadMs: hfMs },
    { name: 'tiktoken (WASM, exported ranks)', count: (s) => tk.encode_ordinary(s).length, loadMs: tkMs },
  ];
}

async function run(label: string, contenders: Contender[], list: Corpus[]): Promise<void> {
  const rows: Array<Record<string, string | number>> = [];
  const diffs: string[] = [];
  for (const corpus of list) {
    let ours: Measured | undefined;
    for (const c of contenders) {
      if (c.slow && skipSlow && corpus.name.startsWith('bench-mix')) continue;
      const r = await measure(c, corpus);
      ours ??= r;
      if (!r.partial && r.tokens !== ours.tokens) {
        diffs.push(`${label} ${corpus.name}: ${c.name} gives ${r.tokens} tokens, tokenlab ${ours.tokens}`);
      }
      rows.push({
        encoding: label,
        corpus: corpus.name,
        encoder: c.name,
        'MB/s': r.mbps,
        'tokenlab / this': ours.mbps / r.mbps,
        'CPU MB/s': r.cpuMbps,
        'tokenlab / this (CPU)': ours.cpuMbps / r.cpuMbps,
        tokens: r.partial ? `${r.tokens} (partial)` : r.tokens,
        'load ms': c.loadMs === undefined ? '' : c.loadMs.toFixed(0),
      });
      console.error(`  ${label} ${corpus.name} ${c.name}: ${r.mbps.toFixed(2)} MB/s, ${r.cpuMbps.toFixed(2)} CPU MB/s`);
    }
  }
  console.log(`\n# ${label}\n`);
  console.log(table(rows));
  console.log(diffs.length ? `\nCounts that differ from tokenlab's:\n${diffs.join('\n')}` : '\nAll token counts agree with tokenlab.');
}

async function main(): Promise<void> {
  const list = corpora();
  for (const name of ['cl100k_base', 'o200k_base'] as const) await run(name, await tiktokenContenders(name), list);
  await run('custom 30k (gpt2 pattern)', await customContenders(), list);
}

await main();
