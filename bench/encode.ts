/**
 * npm run bench:encode — tokenlab's Encoder against the JavaScript encoders, one thread, warm.
 *
 * - cl100k_base and o200k_base: tokenlab against `tiktoken` (WASM), `js-tiktoken`, `gpt-tokenizer` and
 *   `ai-tokenizer`.
 * - A custom 30k vocabulary (trained once here on d2l-mix, gpt2 pattern, and handed to the children in a
 *   temporary file): against Hugging Face `tokenizers` (the exported tokenizer.json; `encode` one slice at a
 *   time) and `tiktoken` loaded with the exported ranks.
 * - The open models' tokenizers qwen3, deepseek-v3, llama3 and gemma3 (added with `tokenlab tokenizers add`, found
 *   in TOKENLAB_DATA or ./data; a model not added is skipped with how to add it): against Hugging Face
 *   `tokenizers` and `@huggingface/tokenizers` on the same tokenizer.json, on d2l-zh and d2l-en apart, in 10 kB
 *   slices and as one 1 MB text, with load times and resident memory (encode-models.ts says how).
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
 * Options: --group NAME[,NAME...] runs those groups alone (cl100k_base, o200k_base, custom, qwen3, deepseek-v3,
 * llama3, gemma3), --models-only the four model groups (default: all seven); --corpus d2l|bench|all (default
 * all; the first three groups, the model groups always read d2l-zh and d2l-en); --skip-slow leaves js-tiktoken
 * out of the bench-mix run; --max-seconds N.
 */
process.env.RAYON_NUM_THREADS = '1'; // tokenizers: one thread (read when its pool starts; children inherit it)

import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Encoder } from '../src/bpe/encode/encoder.js';
import type { Vocabulary } from '../src/bpe/vocabulary.js';
import { headBytes, inChild, measure, slices, timed, type Count, type Passes } from './encode-measure.js';
import { isModelGroup, MODEL_GROUPS, modelChild, runModelGroup, type ModelChildSpec } from './encode-models.js';
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
interface Measured extends Passes {
  loadMs?: number;
  note?: string;
}

const d2lPaths = (): string[] => [corpusPath('d2l-zh.txt'), corpusPath('d2l-en.txt')];

function corpusTexts(name: CorpusName): string[] {
  if (name === 'd2l') return slices(Buffer.concat(d2lPaths().map((p) => readFileSync(p))), 10_000);
  return slices(headBytes(corpusPath('bench-mix.txt'), 16 * 1024 * 1024), 10_000);
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

/** The child: load one contender, then measure it on the corpus's slices. */
async function child(group: Group, contender: string, corpus: CorpusName, vocabPath: string): Promise<Measured> {
  const texts = corpusTexts(corpus);
  const spec = SPECS[group]().find((c) => c.name === contender);
  if (spec === undefined) throw new Error(`no contender ${JSON.stringify(contender)} in ${group}`);
  const { count, loadMs, note } = await spec.load(vocabPath);
  return { ...(await measure(contender, count, texts, maxPassMs)), loadMs, note };
}

/** Runs one contender in a fresh Node process (this file with --child) and returns what it measured. */
function inEncodingChild(group: Group, contender: string, corpus: CorpusName, vocabPath: string): Promise<Measured> {
  return inChild(`${group} / ${contender} / ${corpus}`, [group, contender, corpus, vocabPath], maxPassMs);
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
      const r = await inEncodingChild(group, c.name, corpus, vocabPath);
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

const ENCODING_GROUPS: readonly Group[] = ['cl100k_base', 'o200k_base', 'custom'];
const GROUP_NAMES = [...ENCODING_GROUPS, ...MODEL_GROUPS].join(', ');

/** The groups to run: --group NAME[,NAME...], else the model groups alone with --models-only, else all. */
function chosenGroups(): string[] {
  const named = option('--group');
  if (named === undefined) return args.includes('--models-only') ? [...MODEL_GROUPS] : [...ENCODING_GROUPS, ...MODEL_GROUPS];
  const groups = named.split(',');
  for (const g of groups) {
    if (!(ENCODING_GROUPS as readonly string[]).includes(g) && !isModelGroup(g))
      throw new Error(`--group: ${g} is not one of ${GROUP_NAMES}`);
  }
  return groups;
}

async function main(): Promise<void> {
  const which = option('--corpus') ?? 'all';
  const corpora: CorpusName[] = which === 'all' ? ['d2l', 'bench'] : [which as CorpusName];
  for (const c of corpora) if (!(c in CORPUS_LABEL)) throw new Error(`--corpus: ${c} is not d2l, bench or all`);
  const skipSlow = args.includes('--skip-slow');
  const groups = chosenGroups();
  const dir = mkdtempSync(join(tmpdir(), 'tokenlab-bench-'));
  try {
    for (const group of groups) {
      if (isModelGroup(group)) await runModelGroup(group, dir, maxPassMs);
      else await runGroup(group as Group, corpora, group === 'custom' ? await trainCustom(dir) : '', skipSlow);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childSpec = option('--child');
if (childSpec === undefined) {
  await main();
} else {
  const spec = JSON.parse(childSpec) as [Group, string, CorpusName, string] | ModelChildSpec;
  const measured = Array.isArray(spec) ? child(...spec) : modelChild(spec, maxPassMs);
  console.log(JSON.stringify(await measured));
}
