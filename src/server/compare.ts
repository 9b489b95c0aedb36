/**
 * One text through two to six tokenizers: each one's tokens, where its token boundaries fall, which boundaries
 * not every tokenizer shares, and each one's language tax on the bundled aligned zh/en sample.
 *
 * A boundary is a UTF-16 offset between two characters where one token ends and the next begins. A cut inside
 * a character (the tokens of a split Han character or emoji) is no offset in the text, so it is not a boundary:
 * two tokenizers that split the same character differently at the same place show no difference there.
 */
import { readFile } from 'node:fs/promises';
import type { TokenSpan } from '../bpe/offsets/spans.js';
import type { Tokenizer } from '../bpe/tokenizer.js';
import { bundledCorpus } from '../store/corpora/extract.js';
import { languageTaxOfPairs } from '../eval/metrics.js';
import { languageTaxesOffThread, type LanguageTax, type LanguageTaxResult } from '../jobs/language-tax.js';
import { modelTokenizerFiles } from '../store/model-tokenizers/installed.js';
import { listTokenizers, tokenizerByName, type TokenizerEntry } from '../store/tokenizers.js';
import { findUserVocabulary } from '../store/user-vocabularies.js';
import { RequestError } from './errors.js';
import { checkTextSize } from './limits.js';
import { tokenize, type Tokenized } from './tokenize.js';
import { finite } from './tokenize-json.js';

export const MIN_COMPARED = 2;
export const MAX_COMPARED = 6;

/**
 * The aligned sample of the language-tax panel: bundled corpora of zh<TAB>en lines, sentence pairs written for
 * tokenlab and whole documents (Node-RED's help pages, antd's release notes) in both languages.
 */
export const PARALLEL_CORPORA = ['parallel-zh-en', 'node-red-help-zh-en', 'antd-changelog-zh-en'] as const;

export interface Compared extends Tokenized {
  /** UTF-16 offsets, ascending, of the boundaries between this tokenizer's tokens (never 0 or the length). */
  boundaries: number[];
  languageTax: LanguageTax;
}

export interface Comparison {
  text: string;
  results: Compared[];
  /** UTF-16 offsets, ascending, that are a boundary for some of the tokenizers but not for all. */
  differing: number[];
}

/** Refuses (400) fewer than two or more than six tokenizers, or one named twice. */
export function checkTokenizerChoice(names: readonly string[]): void {
  if (names.length < MIN_COMPARED || names.length > MAX_COMPARED) {
    throw new RequestError(400, `choose ${MIN_COMPARED} to ${MAX_COMPARED} tokenizers to compare (${names.length} chosen)`, {
      tokenizers: names,
    });
  }
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new RequestError(400, `tokenizer ${JSON.stringify(twice)} is chosen twice`, { tokenizers: names });
}

/**
 * Where one token ends and the next begins. The spans of a split character's tokens overlap (each covers the
 * whole character), so a cut is a boundary only where the next span starts at this one's end.
 */
export function boundariesOf(spans: readonly TokenSpan[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < spans.length; i++) if (spans[i + 1].start === spans[i].end) out.push(spans[i].end);
  return out;
}

/** The offsets in some of the boundary lists but not in all of them. */
export function differingBoundaries(lists: readonly number[][], length: number): number[] {
  const seen = new Uint8Array(length + 1);
  for (const list of lists) for (const at of list) seen[at]++;
  const out: number[] = [];
  for (let at = 1; at < length; at++) if (seen[at] > 0 && seen[at] < lists.length) out.push(at);
  return out;
}

let sample: Promise<string[]> | undefined;

/** The aligned zh<TAB>en lines of the bundled sample, corpus after corpus (committed text: unzipped at most). */
export function parallelSample(): Promise<string[]> {
  sample ??= (async () => {
    const texts = await Promise.all(PARALLEL_CORPORA.map(async (name) => readFile((await bundledCorpus(name)).path, 'utf8')));
    return texts.flatMap((text) => text.split('\n').filter((line) => line !== ''));
  })();
  sample.catch(() => (sample = undefined));
  return sample;
}

export interface SampleSizes {
  pairs: number;
  chineseBytes: number;
  englishBytes: number;
  /** The first pair, [Chinese, English]. */
  example: [string, string];
}

/** The sample's size in UTF-8 bytes per side (what a tokenizer without merges would count) and a pair of it. */
export async function sampleSizes(): Promise<SampleSizes> {
  const lines = await parallelSample();
  const bytes = languageTaxOfPairs(lines, (text) => Buffer.byteLength(text));
  const [zh, en] = lines[0].split('\t');
  return { pairs: bytes.pairs, chineseBytes: bytes.chineseTokens, englishBytes: bytes.englishTokens, example: [zh, en] };
}

/** Per loaded tokenizer: a user vocabulary replaced on disk is a new Tokenizer, so its tax is computed anew. */
const taxes = new WeakMap<Tokenizer, LanguageTax>();

export async function languageTaxOf(name: string): Promise<LanguageTax> {
  const tokenizer = await tokenizerByName(name);
  let tax = taxes.get(tokenizer);
  if (tax === undefined) {
    tax = languageTaxOfPairs(await parallelSample(), (text) => tokenizer.count(text));
    taxes.set(tokenizer, tax);
  }
  return tax;
}

/** Every offered tokenizer's tax, or why it has none. */
export interface OfferedTax extends TokenizerEntry {
  tax: LanguageTax | null;
  error?: string;
}

/** Taxes measured off-thread (or why one could not be), by tokenizer name and version (see versionOf). */
const offeredTaxes = new Map<string, LanguageTaxResult>();
/** The measuring under way: one at a time, so that a second request finds the first one's results. */
let measuring: Promise<unknown> = Promise.resolve();

/** What changes when a listed tokenizer does: a user's vocabulary file's time, a model tokenizer's file digest. */
function versionOf(t: TokenizerEntry): string {
  if (t.kind === 'user') return `${t.name}\0${findUserVocabulary(t.name)?.mtimeMs}`;
  if (t.kind === 'model') return `${t.name}\0${modelTokenizerFiles(t.name)?.sha256}`;
  return t.name;
}

async function measureMissing(offered: readonly TokenizerEntry[]): Promise<void> {
  const missing = offered.filter((t) => !offeredTaxes.has(versionOf(t)));
  if (missing.length === 0) return;
  const measured = await languageTaxesOffThread(
    missing.map((t) => t.name),
    await parallelSample(),
  );
  missing.forEach((t, i) => offeredTaxes.set(versionOf(t), measured[i]));
}

/**
 * The language tax of every tokenizer the lab offers, in the registry's order. Those not measured yet (since
 * the server started, or since their file changed) are measured together in a worker thread.
 */
export async function everyLanguageTax(): Promise<OfferedTax[]> {
  const offered = listTokenizers();
  const run = measuring.then(() => measureMissing(offered));
  measuring = run.catch(() => undefined);
  await run;
  return offered.map((t) => {
    const m = offeredTaxes.get(versionOf(t))!;
    return 'tax' in m ? { ...t, tax: m.tax } : { ...t, tax: null, error: m.error };
  });
}

/**
 * Tokenizes `text` with each of `names` (2 to 6 distinct names the lab lists). Refuses a bad choice (400), an
 * unknown name (404) or a text over the limit (413) before encoding anything.
 */
export async function compare(text: string, names: readonly string[]): Promise<Comparison> {
  checkTokenizerChoice(names);
  checkTextSize(text);
  await Promise.all(names.map((n) => tokenizerByName(n)));
  const results: Compared[] = [];
  for (const name of names) {
    const t = await tokenize(text, name);
    results.push({ ...t, boundaries: boundariesOf(t.spans), languageTax: await languageTaxOf(name) });
  }
  return {
    text,
    results,
    differing: differingBoundaries(
      results.map((r) => r.boundaries),
      text.length,
    ),
  };
}

/** The JSON body of POST /api/compare. */
export function comparisonJson(c: Comparison) {
  const first = c.results[0].stats;
  return {
    characters: first.characters,
    bytes: first.bytes,
    tokenizers: c.results.map((r) => ({
      tokenizer: r.tokenizer,
      count: r.ids.length,
      bytesPerToken: finite(r.stats.bytesPerToken),
      charactersPerToken: finite(r.stats.charactersPerToken),
      tokensPerHan: finite(r.stats.tokensPerHan),
      boundaries: r.boundaries,
      languageTax: r.languageTax,
    })),
    differing: c.differing,
  };
}
