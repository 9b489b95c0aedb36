/**
 * npm run bench:encode — tokenlab's Encoder against the JavaScript encoders, one thread, warm.
 *
 * - cl100k_base and o200k_base: tokenlab against `tiktoken` (WASM), `js-tiktoken`, `gpt-tokenizer` and
 *   `ai-tokenizer`.
 * - A custom 30k vocabulary (trained once here on d2l-mix, gpt2 pattern, and handed to the children in a
 *   temporary file): against Hugging Face `tokenizers` (the exported tokenizer.json; `encode` one slice at a
 *   time) and `tiktoken` loaded with the exported ranks.
 *
 * Each contender (encoder x encoding x corpus) runs in its own child process (this file with `--child`), so no
 * encoder's heap or JIT feedback disturbs another's figures (in one shared process they swung by a factor of
 * two with what ran before). In the child: load (the modules' import, reading the rank data and building the
 * encoder, timed), a warm-up of 3 s on the corpus (JIT tiers and piece caches settle: the timed passes find
 * tokenlab's and the peers' caches filled; `tokenlab, no piece cache` shows tokenlab without its cache), then
 * timed passes, at least 3 and as many more as fit in 5 s; the child reports the best pass, for wall time and
 * CPU time separately, as JSON on its stdout. (On the shared 2-core machine a busy neighbour halves a pass's
 * speed, CPU time included, for seconds at a time; other work only ever slows a pass down.)
 *
 * Texts: 10 kB slices (UTF-8 bytes, cut at character boundaries), each encoded by its own call, of d2l-mix
 * (d2l-zh.txt then d2l-en.txt) and of the first 16 MB of bench-mix.txt. (Encoded as one 16 MB string,
 * gpt-tokenizer and ai-tokenizer fall to about 0.2 MB/s and js-tiktoken to 0.3-0.5, which would make the
 * bench take many minutes; tokenlab and tiktoken are unaffected.) Prints MB/s (UTF-8 MB per second of wall
 * time, and per second of the child's CPU time, which other work on a shared machine disturbs less), each
 * peer's ratio (tokenlab / peer) on both, load times, and any token count that differs from tokenlab's.
 *
 * A timed pass stops after --max-seconds (default 30): gpt-tokenizer and ai-tokenizer fall to about 0.2 MB/s on
 * bench-mix even in 10 kB slices. Their MB/s is then over the slices done (bench-mix is shuffled, so a prefix
 * is a fair sample), marked "partial", their token count is not compared, and that one pass is all they get.
 *
 * Options: --corpus d2l|bench|all (default all); --skip-slow leaves js-tiktoken out of the bench-mix run;
 * --max-seconds N.
 */
process.env.RAYON_NUM_THREADS = '1'; // tokenizers: one thread (read when its pool starts; children inherit it)

import { readFileSync, openSync, readSync, closeSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Encoder } from '../src/bpe/encode/encoder.js';
import type { Vocabulary } from '../src/bpe/vocabulary.js';
import { corpusPath, table } from './shared.js';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const maxPassMs = 1000 * Number(option('--max-seconds') ?? 30);

type CorpusName = 'd2l' | 'bench';
type Group = 'cl100k_base' | 'o200k_base' | 'custom';
const CORPUS_LABEL: Record<CorpusName, string> = {
  d2l: 'd2l-mix, 10 kB slices',
  bench: 'bench-mix, first 16 MB in 10 kB slices',
};
const GROUP_LABEL: Record<Group, string> = {
  cl100k_base: 'cl100k_base',
  o200k_base: 'o200k_base',
  custom: 'custom 30k (gpt2 pattern)',
};
const WARM_MS = 3000;
const MIN_PASSES = 3;
const MIN_TIMED_MS = 5000;

/** One contender's encode function: the number of tokens of one text. */
type Count = (text: string) => number | Promise<number>;
interface Loaded {
  count: Count;
  /** Load time as the table shows it; undefined for rows that reuse another row's encoder. */
  loadMs?: number;
  /** A line to print about the load (tokenlab's parts). */
  note?: string;
}
interface ContenderSpec {
  name: string;
  /** Left out of the bench-mix run by --skip-slow. */
  slow?: boolean;
  /** Builds the encoder in the child, timing what counts as its cold load. */
  load: (vocabPath: string) => Promise<Loaded>;
}

/** What a child reports. */
interface Measured {
  tokens: number;
  /** Best of the passes. */
  mbps: number;
  /** MB per second of CPU time (user + system, all threads of the child), best of the passes. */
  cpuMbps: number;
  partial: boolean;
  loadMs?: number;
  note?: string;
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

const d2lPaths = (): string[] => [corpusPath('d2l-zh.txt'), corpusPath('d2l-en.txt')];

function corpusTexts(name: CorpusName): string[] {
  if (name === 'd2l') return slices(Buffer.concat(d2lPaths().map((p) => readFileSync(p))), 10_000);
  return slices(headBytes(corpusPath('bench-mix.txt'), 16 * 1024 * 1024), 10_000);
}

async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const s = performance.now();
  const v = await f();
  return [v, performance.now() - s];
}

/** An Encoder built in the child, with its cold load time and a line describing it. */
interface BuiltEncoder {
  enc: Encoder;
  loadMs: number;
  note?: string;
}

/** tokenlab's three rows: encodeOrdinary, count() and encodeOrdinary without the piece cache. */
function tokenlabSpecs(build: (vocabPath: string, cacheSize?: number) => Promise<BuiltEncoder>): ContenderSpec[] {
  return [
    {
      name: 'tokenlab',
      load: async (path) => {
        const { enc, loadMs, note } = await build(path);
        return { count: (s) => enc.encodeOrdinary(s).length, loadMs, note };
      },
    },
    {
      name: 'tokenlab count()',
      load: async (path) => {
        const { enc } = await build(path);
        return { count: (s) => enc.count(s) };
      },
    },
    {
      name: 'tokenlab, no piece cache',
      load: async (path) => {
        const { enc } = await build(path, 0);
        return { count: (s) => enc.encodeOrdinary(s).length };
      },
    },
  ];
}

function tiktokenSpecs(name: 'cl100k_base' | 'o200k_base'): ContenderSpec[] {
  /** tokenlab cold load: the module, the JSON the tiktoken package ships, the Encoder from its rank data. */
  const build = async (_: string, cacheSize?: number): Promise<BuiltEncoder> => {
    const [tiktokenEncoder, importMs] = await timed(async () => (await import('../src/bpe/formats/tiktoken-encodings.js')).tiktokenEncoder);
    const [data, parseMs] = await timed(() => JSON.parse(readFileSync(require.resolve(`tiktoken/encoders/${name}.json`), 'utf8')));
    const pattern = name === 'cl100k_base' ? 'cl100k' : 'o200k';
    const [enc, buildMs] = await timed(() => tiktokenEncoder(data.bpe_ranks, { pattern, specials: data.special_tokens }, { cacheSize }));
    const loadMs = importMs + parseMs + buildMs;
    const note =
      `tokenlab ${name} cold load: ${loadMs.toFixed(0)} ms (import ${importMs.toFixed(0)} ms, ` +
      `read + JSON.parse ${parseMs.toFixed(0)} ms, Encoder ${buildMs.toFixed(0)} ms)`;
    return { enc, loadMs, note };
  };
  return [
    ...tokenlabSpecs(build),
    {
      name: 'tiktoken (WASM)',
      load: async () => {
        const [tk, loadMs] = await timed(async () => (await import('tiktoken')).get_encoding(name));
        return { count: (s) => tk.encode_ordinary(s).length, loadMs };
      },
    },
    {
      name: 'js-tiktoken',
      slow: true,
      load: async () => {
        const [jt, loadMs] = await timed(async () => {
          const { Tiktoken } = await import('js-tiktoken/lite');
          return new Tiktoken((await import(`js-tiktoken/ranks/${name}`)).default);
        });
        return { count: (s) => jt.encode(s, [], []).length, loadMs };
      },
    },
    {
      name: 'gpt-tokenizer',
      load: async () => {
        const [gpt, loadMs] = await timed(() => import(`gpt-tokenizer/encoding/${name}`));
        return { count: (s) => gpt.encode(s, { disallowedSpecial: new Set() }).length, loadMs };
      },
    },
    {
      name: 'ai-tokenizer',
      load: async () => {
        const [ai, loadMs] = await timed(async () => {
          const Tokenizer = (await import('ai-tokenizer')).default;
          const enc = await import(`ai-tokenizer/encoding/${name}`);
          return new Tokenizer(enc.default ?? enc);
        });
        return { count: (s) => ai.encode(s, [], []).length, loadMs };
      },
    },
  ];
}

/** The custom vocabulary from the parent's temporary file (not timed: it stands for the trainer's output). */
async function customVocab(path: string): Promise<Vocabulary> {
  return (await import('../src/bpe/formats/vocab-json.js')).parseVocabulary(readFileSync(path, 'utf8'));
}

function customSpecs(): ContenderSpec[] {
  const build = async (path: string, cacheSize?: number): Promise<BuiltEncoder> => {
    const vocab = await customVocab(path);
    const [enc, loadMs] = await timed(async () => new (await import('../src/bpe/encode/encoder.js')).Encoder(vocab, { cacheSize }));
    return { enc, loadMs };
  };
  return [
    ...tokenlabSpecs(build),
    {
      name: 'tokenizers (HF)',
      load: async (path) => {
        const json = (await import('../src/bpe/formats/tokenizer-json.js')).exportTokenizerJson(await customVocab(path));
        const [hf, loadMs] = await timed(() => require('tokenizers').Tokenizer.fromString(json));
        return { count: async (s) => (await hf.encode(s)).getIds().length, loadMs };
      },
    },
    {
      name: 'tiktoken (WASM, exported ranks)',
      load: async (path) => {
        const vocab = await customVocab(path);
        const { exportTiktokenRanks, tiktokenPatStr } = await import('../src/bpe/formats/tiktoken-ranks.js');
        const ranks = exportTiktokenRanks(vocab);
        const [tk, loadMs] = await timed(async () => new (await import('tiktoken')).Tiktoken(ranks, {}, tiktokenPatStr(vocab.pattern)));
        return { count: (s) => tk.encode_ordinary(s).length, loadMs };
      },
    },
  ];
}

const SPECS: Record<Group, () => ContenderSpec[]> = {
  cl100k_base: () => tiktokenSpecs('cl100k_base'),
  o200k_base: () => tiktokenSpecs('o200k_base'),
  custom: customSpecs,
};

/** One timed pass over the texts, cut short after maxPassMs. */
async function pass(count: Count, texts: string[], sizes: number[]) {
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

/** The child: load one contender, warm it up on the corpus's slices for WARM_MS, then the timed passes. */
async function child(group: Group, contender: string, corpus: CorpusName, vocabPath: string): Promise<Measured> {
  const texts = corpusTexts(corpus);
  const sizes = texts.map((t) => Buffer.byteLength(t, 'utf8'));
  const spec = SPECS[group]().find((c) => c.name === contender);
  if (spec === undefined) throw new Error(`no contender ${JSON.stringify(contender)} in ${group}`);
  const { count, loadMs, note } = await spec.load(vocabPath);
  const warmStart = performance.now();
  warm: for (;;) {
    for (const t of texts) {
      const r = count(t);
      if (typeof r !== 'number') await r;
      if (performance.now() - warmStart > WARM_MS) break warm;
    }
  }
  const timedStart = performance.now();
  const first = await pass(count, texts, sizes);
  const best = { ...first, loadMs, note };
  for (let i = 1; !first.partial && (i < MIN_PASSES || performance.now() - timedStart < MIN_TIMED_MS); i++) {
    const r = await pass(count, texts, sizes);
    if (!r.partial && r.tokens !== first.tokens) {
      throw new Error(`${contender}: passes gave ${first.tokens} and ${r.tokens} tokens`);
    }
    best.mbps = Math.max(best.mbps, r.mbps);
    best.cpuMbps = Math.max(best.cpuMbps, r.cpuMbps);
  }
  return best;
}

/** Runs one contender in a fresh Node process (this file with --child) and returns what it measured. */
function inChild(group: Group, contender: string, corpus: CorpusName, vocabPath: string): Promise<Measured> {
  const spec = JSON.stringify([group, contender, corpus, vocabPath]);
  const childArgs = ['--child', spec, '--max-seconds', String(maxPassMs / 1000)];
  const proc = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...childArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`child ${group} / ${contender} / ${corpus} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as Measured);
    });
  });
}

/** Trains the custom vocabulary into a file in `dir`; returns its path. */
async function trainCustom(dir: string): Promise<string> {
  console.log('training the custom vocabulary (30,000, gpt2 pattern, d2l-mix)...');
  const { trainFiles } = await import('../src/jobs/train-files.js');
  const { serializeVocabulary } = await import('../src/bpe/formats/vocab-json.js');
  const vocab = await trainFiles(d2lPaths(), { pattern: 'gpt2', vocabSize: 30_000 });
  const path = join(dir, 'custom-30k.json');
  writeFileSync(path, serializeVocabulary(vocab));
  return path;
}

async function runGroup(group: Group, corpora: CorpusName[], vocabPath: string, skipSlow: boolean): Promise<void> {
  const label = GROUP_LABEL[group];
  const rows: Array<Record<string, string | number>> = [];
  const diffs: string[] = [];
  for (const corpus of corpora) {
    let ours: Measured | undefined;
    for (const c of SPECS[group]()) {
      if (c.slow && skipSlow && corpus === 'bench') continue;
      const r = await inChild(group, c.name, corpus, vocabPath);
      if (r.note !== undefined) console.log(r.note);
      ours ??= r;
      if (!r.partial && r.tokens !== ours.tokens) {
        diffs.push(`${label} ${CORPUS_LABEL[corpus]}: ${c.name} gives ${r.tokens} tokens, tokenlab ${ours.tokens}`);
      }
      rows.push({
        encoding: label,
        corpus: CORPUS_LABEL[corpus],
        encoder: c.name,
        'MB/s': r.mbps,
        'tokenlab / this': ours.mbps / r.mbps,
        'CPU MB/s': r.cpuMbps,
        'tokenlab / this (CPU)': ours.cpuMbps / r.cpuMbps,
        tokens: r.partial ? `${r.tokens} (partial)` : r.tokens,
        'load ms': r.loadMs === undefined ? '' : r.loadMs.toFixed(0),
      });
      console.error(`  ${label} ${corpus} ${c.name}: ${r.mbps.toFixed(2)} MB/s, ${r.cpuMbps.toFixed(2)} CPU MB/s`);
    }
  }
  console.log(`\n# ${label}\n`);
  console.log(table(rows));
  const agree = '\nAll token counts agree with tokenlab.';
  console.log(diffs.length ? `\nCounts that differ from tokenlab's:\n${diffs.join('\n')}` : agree);
}

async function main(): Promise<void> {
  const which = option('--corpus') ?? 'all';
  const corpora: CorpusName[] = which === 'all' ? ['d2l', 'bench'] : [which as CorpusName];
  for (const c of corpora) if (!(c in CORPUS_LABEL)) throw new Error(`--corpus: ${c} is not d2l, bench or all`);
  const skipSlow = args.includes('--skip-slow');
  const dir = mkdtempSync(join(tmpdir(), 'tokenlab-bench-'));
  try {
    await runGroup('cl100k_base', corpora, '', skipSlow);
    await runGroup('o200k_base', corpora, '', skipSlow);
    await runGroup('custom', corpora, await trainCustom(dir), skipSlow);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childSpec = option('--child');
if (childSpec === undefined) {
  await main();
} else {
  const [group, contender, corpus, vocabPath] = JSON.parse(childSpec) as [Group, string, CorpusName, string];
  console.log(JSON.stringify(await child(group, contender, corpus, vocabPath)));
}
