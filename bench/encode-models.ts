/**
 * bench:encode's model groups (issue 18, "Fast"): the open-model tokenizers qwen3, deepseek-v3, llama3 and
 * gemma3, each against the two Hugging Face libraries loading the same tokenizer.json:
 *
 * - tokenlab: `tokenizerByName` through the registry, encoding as the lab does by default (`encodeDefault`:
 *   added tokens in the text matched, as `tokenizers` does);
 * - `tokenizers` (the Rust library via napi): `Tokenizer.fromFile`, `encode(text, null, { addSpecialTokens:
 *   false })`, one thread (RAYON_NUM_THREADS=1, set by encode.ts);
 * - `@huggingface/tokenizers` (the pure JavaScript port): `new Tokenizer(tokenizer.json, tokenizer_config.json)`,
 *   `encode(text, { add_special_tokens: false })`.
 *
 * Texts: d2l-zh and d2l-en apart, each in 10 kB slices (all of it, each slice its own call) and as one text (its
 * first 1 MB: the Rust library slows down on long inputs). Measured as the other groups are (encode.ts), each
 * contender in its own child, with every contender's token count checked against tokenlab's.
 *
 * Load and memory: a child per contender loads it and nothing else, timing the load (module import, reading
 * and building) and the resident set size it adds (process.memoryUsage().rss after a full GC, minus the same
 * before the load; the children run with --expose-gc). tokenlab's load is measured twice: first from the
 * tokenizer.json (which writes the compiled form), then from the compiled form. So that the first really is
 * first, and the user's data directory is never written, tokenlab reads the model from a data directory of its
 * own in the bench's temporary directory, whose files link to those the user added (found in TOKENLAB_DATA, or
 * ./data). The encoding children load from the compiled form; after their passes they report the resident size
 * again (what the loaded tokenizer holds with its caches filled).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { dataDir } from '../src/store/data-dir.js';
import { MODEL_TOKENIZER_NAMES, type ModelTokenizerName } from '../src/store/model-tokenizers/catalogue.js';
import { modelTokenizerFiles } from '../src/store/model-tokenizers/installed.js';
import { headBytes, inChild, measure, residentMiB, slices, timed, type Count, type Passes } from './encode-measure.js';
import { corpusPath, table } from './shared.js';

const require = createRequire(import.meta.url);

export const MODEL_GROUPS = MODEL_TOKENIZER_NAMES;
export function isModelGroup(name: string): name is ModelTokenizerName {
  return (MODEL_GROUPS as readonly string[]).includes(name);
}

/** The goals of issue 18: tokenlab's speed as a multiple of each peer's (wall and CPU time), and the load. */
const SPEED_GOAL: Record<ModelTokenizerName, number> = { qwen3: 20, 'deepseek-v3': 20, llama3: 20, gemma3: 10 };
const LOAD_GOAL_MS = 1000;

const CORPORA = ['d2l-zh', 'd2l-en'] as const;
type ModelCorpus = (typeof CORPORA)[number];
const SHAPES = ['slices', 'whole'] as const;
type Shape = (typeof SHAPES)[number];
const SHAPE_LABEL: Record<Shape, string> = { slices: '10 kB slices', whole: 'first 1 MB, one text' };
const WHOLE_BYTES = 1_000_000;

const CONTENDERS = ['tokenlab', 'tokenizers (Rust, napi)', '@huggingface/tokenizers (JS)'] as const;
type Contender = (typeof CONTENDERS)[number];

/** What a model child is asked: `corpus` and `shape` only to encode (else it loads and reports). */
export interface ModelChildSpec {
  model: ModelTokenizerName;
  contender: Contender;
  /** The bench's own data directory (tokenlab's) and the added files themselves (the peers'). */
  dataDir: string;
  tokenizerJson: string;
  tokenizerConfig: string;
  corpus?: ModelCorpus;
  shape?: Shape;
}

/** What a model child reports: its load and the resident MiB it adds; after encoding, the passes too. */
interface ModelMeasured extends Partial<Passes> {
  loadMs: number;
  loadedMiB: number;
  /** After the timed passes. */
  encodedMiB?: number;
  note?: string;
}

interface LoadedModel {
  count: Count;
  note?: string;
}

/** tokenlab's `name` from the registry, with its data directory set to the bench's own. */
async function loadTokenlab(spec: ModelChildSpec): Promise<LoadedModel> {
  process.env.TOKENLAB_DATA = spec.dataDir;
  const compiled = readdirSync(dirname(spec.tokenizerJson)).some((f) => f.endsWith('.tlhf'));
  const [tokenizerByName, importMs] = await timed(async () => (await import('../src/store/tokenizers.js')).tokenizerByName);
  const [tok, buildMs] = await timed(() => tokenizerByName(spec.model));
  const from = compiled ? 'the compiled form' : 'tokenizer.json';
  const note = `import ${importMs.toFixed(0)} ms, tokenizerByName from ${from} ${buildMs.toFixed(0)} ms`;
  return { count: (s) => tok.encodeDefault(s).length, note };
}

async function loadRust(spec: ModelChildSpec): Promise<LoadedModel> {
  const hf = require('tokenizers').Tokenizer.fromFile(spec.tokenizerJson);
  const options = { addSpecialTokens: false };
  return { count: async (s) => (await hf.encode(s, null, options)).getIds().length };
}

async function loadJsPort(spec: ModelChildSpec): Promise<LoadedModel> {
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const read = (path: string): object => JSON.parse(readFileSync(path, 'utf8')) as object;
  const tk = new Tokenizer(read(spec.tokenizerJson), read(spec.tokenizerConfig));
  return { count: (s) => tk.encode(s, { add_special_tokens: false }).ids.length };
}

const LOADERS: Record<Contender, (spec: ModelChildSpec) => Promise<LoadedModel>> = {
  tokenlab: loadTokenlab,
  'tokenizers (Rust, napi)': loadRust,
  '@huggingface/tokenizers (JS)': loadJsPort,
};

function modelTexts(corpus: ModelCorpus, shape: Shape): string[] {
  const path = corpusPath(`${corpus}.txt`);
  return shape === 'slices' ? slices(readFileSync(path), 10_000) : [headBytes(path, WHOLE_BYTES).toString('utf8')];
}

/** A model child: load the contender (timed, with the memory it adds); then, if asked, its passes. */
export async function modelChild(spec: ModelChildSpec, maxPassMs: number): Promise<ModelMeasured> {
  const texts = spec.corpus && spec.shape ? modelTexts(spec.corpus, spec.shape) : [];
  const baseMiB = residentMiB();
  const [{ count, note }, loadMs] = await timed(() => LOADERS[spec.contender](spec));
  const loadedMiB = residentMiB() - baseMiB;
  if (texts.length === 0) return { loadMs, loadedMiB, note };
  const passes = await measure(spec.contender, count, texts, maxPassMs);
  return { ...passes, loadMs, loadedMiB, encodedMiB: residentMiB() - baseMiB, note };
}

/**
 * A data directory of the bench's own in `tmp` holding model `name` as the registry expects it: the added
 * files linked, source.json copied (the compiled form gets written here, not in the user's directory).
 */
function stageDataDir(name: ModelTokenizerName, files: { tokenizerJson: string; tokenizerConfig: string }, tmp: string): string {
  const root = join(tmp, `data-${name}`);
  const dir = join(root, 'model-tokenizers', name);
  mkdirSync(dir, { recursive: true });
  symlinkSync(files.tokenizerJson, join(dir, 'tokenizer.json'));
  symlinkSync(files.tokenizerConfig, join(dir, 'tokenizer_config.json'));
  copyFileSync(join(dirname(files.tokenizerJson), 'source.json'), join(dir, 'source.json'));
  return root;
}

const ratio = (x: number): string => `${x.toFixed(1)}x`;
const mib = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(0));

type RunChild = (contender: Contender, corpus?: ModelCorpus, shape?: Shape) => Promise<ModelMeasured>;

/** One row of the load table: tokenlab's first load (from tokenizer.json) has no encoding runs of its own. */
interface LoadRow {
  label: string;
  contender: Contender;
  r: ModelMeasured;
  fromJson?: boolean;
}

/** The load children: tokenlab twice (from tokenizer.json, then from the compiled form it wrote), each peer once. */
async function measureLoads(run: RunChild): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  rows.push({
    label: 'tokenlab, from tokenizer.json (writes the compiled form)',
    contender: 'tokenlab',
    r: await run('tokenlab'),
    fromJson: true,
  });
  rows.push({ label: 'tokenlab, from the compiled form', contender: 'tokenlab', r: await run('tokenlab') });
  for (const c of CONTENDERS.slice(1)) rows.push({ label: c, contender: c, r: await run(c) });
  return rows;
}

/** What the encoding children gave: the table's rows, count differences, goal lines, resident MiB after encoding. */
interface Encodings {
  rows: Array<Record<string, string | number>>;
  diffs: string[];
  goals: string[];
  encodedMiB: Map<Contender, number>;
}

async function measureEncodings(name: ModelTokenizerName, run: RunChild): Promise<Encodings> {
  const out: Encodings = { rows: [], diffs: [], goals: [], encodedMiB: new Map() };
  for (const corpus of CORPORA) {
    for (const shape of SHAPES) {
      const text = `${corpus}, ${SHAPE_LABEL[shape]}`;
      let ours: ModelMeasured | undefined;
      const goal: string[] = [];
      for (const c of CONTENDERS) {
        const r = await run(c, corpus, shape);
        const [mbps, cpuMbps] = [r.mbps!, r.cpuMbps!];
        console.error(`  ${name} ${text} ${c}: ${mbps.toFixed(2)} MB/s, ${cpuMbps.toFixed(2)} CPU MB/s`);
        ours ??= r;
        out.encodedMiB.set(c, Math.max(out.encodedMiB.get(c) ?? 0, r.encodedMiB!));
        if (!r.partial && r.tokens !== ours.tokens)
          out.diffs.push(`${name} ${text}: ${c} gives ${r.tokens} tokens, tokenlab ${ours.tokens}`);
        const [wall, cpu] = [ours.mbps! / mbps, ours.cpuMbps! / cpuMbps];
        if (c !== 'tokenlab') {
          const met = wall >= SPEED_GOAL[name] && cpu >= SPEED_GOAL[name];
          goal.push(`${c} ${ratio(wall)} wall, ${ratio(cpu)} CPU: ${met ? 'met' : 'not met'}`);
        }
        const tokens = r.partial ? `${r.tokens} (partial)` : r.tokens!;
        out.rows.push({
          text,
          encoder: c,
          'MB/s': mbps,
          'tokenlab / this': wall,
          'CPU MB/s': cpuMbps,
          'tokenlab / this (CPU)': cpu,
          tokens,
        });
      }
      out.goals.push(`  ${text}: ${goal.join('; ')}`);
    }
  }
  return out;
}

function printModelGroup(name: ModelTokenizerName, loads: LoadRow[], enc: Encodings): void {
  console.log(`\n# ${name}\n`);
  console.log(table(enc.rows));
  console.log(
    enc.diffs.length ? `\nCounts that differ from tokenlab's:\n${enc.diffs.join('\n')}` : '\nAll token counts agree with tokenlab.',
  );
  console.log(`\n## ${name}: load and memory\n`);
  const loadRows = loads.map((l) => ({
    encoder: l.label,
    'load ms': l.r.loadMs.toFixed(0),
    'RSS MiB loaded': mib(l.r.loadedMiB),
    'RSS MiB after encoding (most of its runs)': l.fromJson ? '' : mib(enc.encodedMiB.get(l.contender)),
  }));
  console.log(table(loadRows));
  for (const l of loads) if (l.r.note) console.log(`${l.label}: ${l.r.note}`);
  console.log(`\nGoal: tokenlab at least ${SPEED_GOAL[name]}x each peer, wall and CPU time:`);
  console.log(enc.goals.join('\n'));
  const tokenlabLoads = loads.filter((l) => l.contender === 'tokenlab');
  const loadGoal = tokenlabLoads.map(
    (l) =>
      `${l.fromJson ? 'from tokenizer.json' : 'from the compiled form'} ${l.r.loadMs.toFixed(0)} ms: ${l.r.loadMs < LOAD_GOAL_MS ? 'met' : 'not met'}`,
  );
  console.log(`Goal: tokenlab's cold load under ${LOAD_GOAL_MS} ms: ${loadGoal.join('; ')}`);
}

/** Runs model group `name` (children for the loads, then for each corpus, shape and contender) and prints it. */
export async function runModelGroup(name: ModelTokenizerName, tmp: string, maxPassMs: number): Promise<void> {
  const files = modelTokenizerFiles(name);
  if (files === undefined) {
    console.log(`\n# ${name}\n\nskipped: ${name} is not added in ${dataDir()}; add it with \`tokenlab tokenizers add ${name}\``);
    console.log('(or set TOKENLAB_DATA to a data directory where it is added)');
    return;
  }
  const staged = stageDataDir(name, files, tmp);
  const run: RunChild = (contender, corpus, shape) => {
    const tokenlab = contender === 'tokenlab';
    const spec: ModelChildSpec = {
      model: name,
      contender,
      dataDir: staged,
      tokenizerJson: tokenlab ? join(staged, 'model-tokenizers', name, 'tokenizer.json') : files.tokenizerJson,
      tokenizerConfig: files.tokenizerConfig,
      corpus,
      shape,
    };
    return inChild(`${name} / ${contender} / ${corpus ?? 'load'} / ${shape ?? ''}`, spec, maxPassMs, ['--expose-gc']);
  };
  const loads = await measureLoads(run);
  printModelGroup(name, loads, await measureEncodings(name, run));
}
