/**
 * The modern corpora made from the unpacked source packages (modern-sources.ts): which corpus takes what from
 * which package, in a fixed order, de-duplicated across all of them (dedupe.ts): monolingual units against every
 * unit kept before, aligned pairs as pairs, code as blocks (whose lines follow each other in the corpus). Pure:
 * the same package versions give the same lines.
 */
import { dedupeBlocks, dedupeLines, nearKey, Seen } from './dedupe.js';
import { antdChangelog, nodeApiDocs, nodeRedHelp, nodeRedMessages } from './modern-docs.js';
import { brownParagraphs } from './modern-brown.js';
import { openclawDocs, openclawUiZh } from './modern-openclaw.js';
import { typeshedStdlib } from './modern-python.js';
import type { ModernSourceKey } from './modern-sources.js';
import { vscodeUiStrings, type UiString } from './modern-vscode.js';

const MB = 1024 * 1024;

/** What the recipes share while the corpora are built in order. */
interface Build {
  units: Seen;
  pairs: Seen;
  blocks: Seen;
  /** Code blocks met in documents so far; `docs-code` takes them. */
  code: string[][];
  vscode?: UiString[];
}

interface Recipe {
  sources: readonly ModernSourceKey[];
  lines: (b: Build, dir: (key: ModernSourceKey) => string) => string[];
}

function pairLines(pairs: ReadonlyArray<{ zh: string; en: string }>, seen: Seen): string[] {
  return pairs.filter((p) => seen.fresh(`${nearKey(p.zh)}\t${nearKey(p.en)}`)).map((p) => `${p.zh}\t${p.en}`);
}

function vscode(b: Build, dir: (key: ModernSourceKey) => string): UiString[] {
  return (b.vscode ??= vscodeUiStrings(dir('vscodeZh'), dir('vscodeApi')));
}

const withEnglish = (ui: UiString[]) => ui.filter((s): s is { zh: string; en: string } => s.en !== undefined);

/** Documents' prose kept, their code set aside for docs-code. */
function prose(b: Build, doc: { prose: string[]; code: string[][] }): string[] {
  b.code.push(...doc.code);
  return dedupeLines(doc.prose, b.units);
}

function aligned(b: Build, docs: { aligned: Array<{ zh: string; en: string }>; code: string[][] }): string[] {
  b.code.push(...docs.code);
  return pairLines(docs.aligned, b.pairs);
}

/** Each modern corpus, in build order: its source packages and how its lines are made. */
export const MODERN_RECIPES = {
  'vscode-ui-zh': {
    sources: ['vscodeZh', 'vscodeApi'],
    lines: (b, dir) =>
      dedupeLines(
        vscode(b, dir).map((s) => s.zh),
        b.units,
      ),
  },
  'vscode-ui-en': {
    sources: ['vscodeZh', 'vscodeApi'],
    lines: (b, dir) =>
      dedupeLines(
        withEnglish(vscode(b, dir)).map((s) => s.en),
        b.units,
      ),
  },
  'vscode-ui-zh-en': { sources: ['vscodeZh', 'vscodeApi'], lines: (b, dir) => pairLines(withEnglish(vscode(b, dir)), b.pairs) },
  'node-red-ui-zh-en': {
    sources: ['nodeRed', 'nodeRedEditor'],
    lines: (b, dir) => pairLines(nodeRedMessages(dir('nodeRed'), dir('nodeRedEditor')), b.pairs),
  },
  'node-red-help-zh-en': { sources: ['nodeRed'], lines: (b, dir) => aligned(b, nodeRedHelp(dir('nodeRed'))) },
  'antd-changelog-zh-en': { sources: ['antd'], lines: (b, dir) => aligned(b, antdChangelog(dir('antd'))) },
  'openclaw-ui-zh': { sources: ['openclaw'], lines: (b, dir) => dedupeLines(openclawUiZh(dir('openclaw')), b.units) },
  'openclaw-docs-en': { sources: ['openclaw'], lines: (b, dir) => prose(b, openclawDocs(dir('openclaw'), 3 * MB)) },
  'node-api-docs-en': { sources: ['nodeTypes'], lines: (b, dir) => prose(b, nodeApiDocs(dir('nodeTypes'))) },
  'brown-en': { sources: ['brown'], lines: (b, dir) => dedupeLines(brownParagraphs(dir('brown')), b.units) },
  'docs-code': {
    sources: ['openclaw', 'nodeTypes', 'nodeRed', 'antd'],
    lines: (b) => dedupeBlocks(b.code, b.blocks).flat(),
  },
  'typeshed-py': { sources: ['pyright'], lines: (b, dir) => dedupeBlocks(typeshedStdlib(dir('pyright'), 1.2 * MB), b.blocks).flat() },
} as const satisfies Record<string, Recipe>;

export type ModernCorpusName = keyof typeof MODERN_RECIPES;

/**
 * The modern corpora's lines from the unpacked packages (`dirs`: each source's directory), in build order. With
 * only some sources given, the corpora are built up to the first that needs a missing one: those are the same
 * as in a full build (de-duplication only looks back).
 */
export function buildModernCorpora(dirs: Partial<Record<ModernSourceKey, string>>): Map<ModernCorpusName, string[]> {
  const build: Build = { units: new Seen(), pairs: new Seen(), blocks: new Seen(), code: [] };
  const dir = (key: ModernSourceKey) => dirs[key]!;
  const out = new Map<ModernCorpusName, string[]>();
  for (const [name, recipe] of Object.entries(MODERN_RECIPES) as Array<[ModernCorpusName, Recipe]>) {
    if (recipe.sources.some((key) => dirs[key] === undefined)) break;
    out.set(name, recipe.lines(build, dir));
  }
  return out;
}
