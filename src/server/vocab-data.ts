/**
 * What the vocabulary explorer knows of a vocabulary (any tokenizer the lab lists: tiktoken's encodings, the
 * shipped ones, the user's): each token's text and classes for the table's filters, the token-length
 * histogram, compression on a held-out sample, the merge tree of a token, a vocabulary truncated to its first
 * k merges (imports: src/jobs/vocab-import.ts). Analyses are cached per loaded
 * tokenizer (a user file that changes is a new tokenizer, see tokenizerByName).
 */
import { readFile, stat } from 'node:fs/promises';
import { Encoder } from '../bpe/encode/encoder.js';
import { bytesToLatin1 } from '../bpe/bytes.js';
import { mergeParts } from '../bpe/merges-from-ranks.js';
import type { Tokenizer } from '../bpe/tokenizer.js';
import type { Vocabulary } from '../bpe/vocabulary.js';
import { letterScripts } from '../eval/scripts.js';
import { ensureBundledCorpora } from '../store/corpora/extract.js';
import { heldOutSample } from './train-jobs.js';
import { tokenText } from './vocab-bytes.js';
import { isTiktokenEncodingName, type TiktokenEncodingName } from '../bpe/formats/tiktoken-encodings.js';
import { shippedVocabularyPath } from '../store/shipped-vocabularies.js';
import { listTokenizers, tokenizerByName, type TokenizerEntry } from '../store/tokenizers.js';
import { userVocabularyPath } from '../store/user-vocabularies.js';

/** Token classes for the table's filters (bit flags). */
export const TOKEN_CLASSES = { han: 1, latin: 2, mixed: 4, partial: 8, unused: 16 } as const;
export type TokenClass = keyof typeof TOKEN_CLASSES;
export const TOKEN_CLASS_NAMES = Object.keys(TOKEN_CLASSES) as TokenClass[];

/** Token lengths in bytes at or above this share the histogram's last bar. */
export const HISTOGRAM_MAX_BYTES = 16;

export interface VocabAnalysis {
  name: string;
  kind: TokenizerEntry['kind'];
  vocab: Vocabulary;
  encoder: Encoder;
  /** texts[id]: the token's text, or undefined when it is part of a character. */
  texts: Array<string | undefined>;
  classes: Uint8Array;
  /** histogram[n]: tokens of n bytes (n = HISTOGRAM_MAX_BYTES counts that many or more). */
  histogram: number[];
  heldOut: { bytes: number; tokens: number; bytesPerToken: number; usedTokens: number };
}

/** The classes of a token's text (undefined: part of a character), by the letter scripts of its text. */
function classify(text: string | undefined): number {
  if (text === undefined) return TOKEN_CLASSES.partial;
  const scripts = letterScripts(text);
  return scripts === undefined ? 0 : TOKEN_CLASSES[scripts];
}

let labSample: Promise<string> | undefined;

/** The held-out sample every vocabulary is measured on: the start of each bundled corpus's held-out split. */
export function labHeldOutSample(): Promise<string> {
  labSample ??= ensureBundledCorpora().then((r) => heldOutSample(r.corpora.map((c) => c.heldOutPath)));
  return labSample;
}

const analyses = new WeakMap<Tokenizer, Promise<VocabAnalysis>>();

/** What the list page shows of a vocabulary, known without building its encoder. */
export interface VocabListing extends TokenizerEntry {
  /** Token ids, specials included (the largest id + 1); null when the file cannot be read. */
  size: number | null;
  specials: number | null;
  /** A pattern name, or a custom regex's source. */
  pattern: string | null;
}

type ListingFacts = Pick<VocabListing, 'size' | 'specials' | 'pattern'>;

/**
 * tiktoken's encodings as the tiktoken package defines them (n_vocab with the specials; the pattern each
 * pat_str maps to), so that the list does not build 200k-token encoders; a test checks them against the loaded
 * encodings.
 */
export const TIKTOKEN_FACTS: Record<TiktokenEncodingName, ListingFacts> = {
  gpt2: { size: 50257, specials: 1, pattern: 'gpt2' },
  r50k_base: { size: 50257, specials: 1, pattern: 'gpt2' },
  p50k_base: { size: 50281, specials: 1, pattern: 'gpt2' },
  p50k_edit: { size: 50284, specials: 4, pattern: 'gpt2' },
  cl100k_base: { size: 100277, specials: 5, pattern: 'cl100k' },
  o200k_base: { size: 200019, specials: 2, pattern: 'o200k' },
};

/** A vocabulary file's facts, read once per version of the file (its modification time and length). */
const fileFacts = new Map<string, { version: string; facts: Promise<ListingFacts> }>();

/** Parses the JSON but builds nothing from it: no token is decoded, no encoder made. */
async function readFileFacts(path: string): Promise<ListingFacts> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as { pattern: string; tokens: unknown[]; specials: Array<{ id: number }> };
    const size = Math.max(doc.tokens.length - 1, ...doc.specials.map((x) => x.id)) + 1;
    return { size, specials: doc.specials.length, pattern: doc.pattern };
  } catch {
    return UNKNOWN_FACTS; // the explorer page names what is wrong with the file
  }
}

const UNKNOWN_FACTS: ListingFacts = { size: null, specials: null, pattern: null };

async function factsOfFile(path: string): Promise<ListingFacts> {
  const st = await stat(path).catch(() => undefined);
  if (st === undefined) {
    fileFacts.delete(path); // deleted since it was listed
    return UNKNOWN_FACTS;
  }
  const version = `${st.mtimeMs}:${st.size}`;
  let known = fileFacts.get(path);
  if (known?.version !== version) fileFacts.set(path, (known = { version, facts: readFileFacts(path) }));
  return known.facts;
}

/** Every listed vocabulary with its size, specials and pattern. */
export async function listVocabularies(): Promise<VocabListing[]> {
  return Promise.all(
    listTokenizers().map(async (t) => {
      if (isTiktokenEncodingName(t.name)) return { ...t, ...TIKTOKEN_FACTS[t.name] };
      return { ...t, ...(await factsOfFile(t.kind === 'user' ? userVocabularyPath(t.name) : shippedVocabularyPath(t.name))) };
    }),
  );
}

/** The analysis of vocabulary `name` (UnknownTokenizerError if the lab lists none such). */
export async function analyseVocabulary(name: string): Promise<VocabAnalysis> {
  const tokenizer = await tokenizerByName(name);
  let a = analyses.get(tokenizer);
  if (a === undefined) {
    a = analyse(name, tokenizer);
    analyses.set(tokenizer, a);
  }
  return a;
}

async function analyse(name: string, tokenizer: Tokenizer): Promise<VocabAnalysis> {
  const encoder = tokenizer.encoder;
  if (!(encoder instanceof Encoder)) throw new Error('TODO explorer for model tokenizers');
  const vocab = encoder.vocab;
  const n = vocab.tokens.length;
  const texts = new Array<string | undefined>(n);
  const classes = new Uint8Array(n);
  const histogram = new Array<number>(HISTOGRAM_MAX_BYTES + 1).fill(0);
  for (let id = 0; id < n; id++) {
    const bytes = vocab.tokens[id];
    texts[id] = tokenText(bytes);
    classes[id] = classify(texts[id]);
    histogram[Math.min(bytes.length, HISTOGRAM_MAX_BYTES)]++;
  }
  const sample = await labHeldOutSample();
  const ids = encoder.encodeOrdinary(sample);
  const used = new Set(ids);
  for (let id = 0; id < n; id++) if (!used.has(id)) classes[id] |= TOKEN_CLASSES.unused;
  const bytes = Buffer.byteLength(sample);
  const kind = listTokenizers().find((t) => t.name === name)?.kind ?? 'user';
  return {
    name,
    kind,
    vocab,
    encoder,
    texts,
    classes,
    histogram,
    heldOut: { bytes, tokens: ids.length, bytesPerToken: bytes / Math.max(1, ids.length), usedTokens: used.size },
  };
}

export interface TokenQuery {
  /** Text the token contains, or an id. */
  q: string;
  filter: TokenClass | '';
  page: number;
}

export const PAGE_SIZE = 100;

/** The ids matching a query, in id order: a number matches that id, any text matches tokens containing it. */
export function findTokens(a: VocabAnalysis, query: TokenQuery): number[] {
  const flag = query.filter === '' ? 0 : TOKEN_CLASSES[query.filter];
  const q = query.q;
  const asId = /^\d+$/.test(q.trim()) ? Number(q.trim()) : -1;
  const out: number[] = [];
  for (let id = 0; id < a.texts.length; id++) {
    if (flag !== 0 && (a.classes[id] & flag) === 0) continue;
    if (q !== '' && id !== asId && !(a.texts[id]?.includes(q) ?? false)) continue;
    out.push(id);
  }
  return out;
}

export interface MergeNode {
  id: number;
  bytes: Uint8Array;
  /** The parts BPE joins into this token: two for a merge, more for a token only ever produced whole, none for a byte. */
  parts: MergeNode[];
}

/**
 * The merge tree of token `id` down to single bytes: each token's parts are `mergeParts` (the pair every
 * encoding merges into it, whatever the context). A token's rank is its id.
 */
export function mergeTree(encoder: Encoder, id: number): MergeNode {
  const bytes = encoder.tokenBytes(id);
  const ranks = { get: (k: string) => encoder.tokenId(Buffer.from(k, 'latin1')) };
  const parts = mergeParts(bytesToLatin1(bytes), ranks).map((part) => mergeTree(encoder, part));
  return { id, bytes, parts };
}

/** Multi-byte tokens, the ones merges make: the scrubber's k runs from 0 to this. */
export function mergeCount(a: VocabAnalysis): number {
  return a.vocab.tokens.length - 256;
}

const truncated = new WeakMap<VocabAnalysis, Map<number, Encoder>>();

/**
 * An encoder with the 256 single bytes and only the first k multi-byte tokens (in rank order): the vocabulary
 * after k merges. Ids are renumbered densely; the pages show the tokens' bytes, not their ids. The last few
 * are cached (a slider asks for neighbouring k).
 */
export function truncatedEncoder(a: VocabAnalysis, k: number): Encoder {
  let cache = truncated.get(a);
  if (cache === undefined) truncated.set(a, (cache = new Map()));
  let e = cache.get(k);
  if (e === undefined) {
    let multi = 0;
    const tokens = a.vocab.tokens.filter((t) => t.length === 1 || multi++ < k);
    e = new Encoder({ pattern: a.vocab.pattern, tokens, merges: [], specials: [] }, { cacheSize: 0 });
    if (cache.size >= 8) cache.delete(cache.keys().next().value!);
    cache.set(k, e);
  }
  return e;
}
