/**
 * What the vocabulary explorer knows of a vocabulary (any tokenizer the lab lists: tiktoken's encodings, the
 * added model tokenizers, the shipped vocabularies, the user's): each token's text and classes for the table's
 * filters, the token-length histogram, compression on a held-out sample, the merge tree of a token, the
 * tokenizer after its first k merges (imports: src/jobs/vocab-import.ts; a model tokenizer's own parts:
 * vocab-model.ts). Analyses are cached per loaded tokenizer (a user file that changes is a new tokenizer, see
 * tokenizerByName).
 */
import { readFile, stat } from 'node:fs/promises';
import { Encoder } from '../bpe/encode/encoder.js';
import { SuperBpeEncoder } from '../bpe/encode/superbpe-encoder.js';
import { UnigramEncoder } from '../bpe/unigram/unigram-encoder.js';
import { BYTE_TOKENS, type UnigramModel } from '../bpe/unigram/unigram-model.js';
import type { JsonObject } from '../bpe/hf/json.js';
import { bytesToLatin1 } from '../bpe/bytes.js';
import { spansWhitespace } from '../bpe/superword.js';
import { pipelineCounts, pipelineLine, describePipeline } from '../bpe/hf/describe.js';
import { HfPipeline } from '../bpe/hf/pipeline.js';
import { mergeParts } from '../bpe/merges-from-ranks.js';
import type { Tokenizer } from '../bpe/tokenizer.js';
import type { Vocabulary } from '../bpe/vocabulary.js';
import { letterScripts } from '../eval/scripts.js';
import { ensureBundledCorpora } from '../store/corpora/extract.js';
import { modelPipelineHead } from '../store/model-pipelines.js';
import { modelTokenizerFiles } from '../store/model-tokenizers/installed.js';
import { heldOutSample } from './train-jobs.js';
import { tokenText } from './vocab-bytes.js';
import { stage2Parts, superBpeAfterTokens } from './vocab-superbpe.js';
import { modelAfterMerges, modelExplorer, modelMergeTree, type MergeNode, type ModelExplorer } from './vocab-model.js';
import { isTiktokenEncodingName, type TiktokenEncodingName } from '../bpe/formats/tiktoken-encodings.js';
import { shippedVocabularyPath } from '../store/shipped-vocabularies.js';
import { listTokenizers, tokenizerByName, type TokenizerEntry } from '../store/tokenizers.js';
import { userVocabularyPath } from '../store/user-vocabularies.js';

/** Token classes for the table's filters (bit flags); superword: holds whitespace between words (superword.ts). */
export const TOKEN_CLASSES = { han: 1, latin: 2, mixed: 4, partial: 8, unused: 16, superword: 32 } as const;
export type TokenClass = keyof typeof TOKEN_CLASSES;
export const TOKEN_CLASS_NAMES = Object.keys(TOKEN_CLASSES) as TokenClass[];

/** Token lengths in bytes at or above this share the histogram's last bar. */
export const HISTOGRAM_MAX_BYTES = 16;

/**
 * What a tokenizer is built on: a vocabulary under tiktoken's rule, a SuperBPE vocabulary (`encoder` its whole
 * vocabulary as one Encoder, for lookups), a Unigram model, or a Hugging Face pipeline.
 */
export type VocabEngine =
  | { kind: 'vocabulary'; vocab: Vocabulary; encoder: Encoder }
  | { kind: 'superbpe'; vocab: Vocabulary; encoder: Encoder; superbpe: SuperBpeEncoder }
  | { kind: 'unigram'; model: UnigramModel; encoder: UnigramEncoder }
  | { kind: 'pipeline'; model: ModelExplorer };

export interface VocabAnalysis {
  name: string;
  kind: TokenizerEntry['kind'];
  engine: VocabEngine;
  /** The token table's tokens by id: a vocabulary's ordinary tokens; every id of a pipeline, its added tokens too. */
  tokens: Uint8Array[];
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
  /** A pattern name, or a custom regex's source; null for a model tokenizer (see pipeline). */
  pattern: string | null;
  /** A model tokenizer's pipeline in a line: "NFC · Split(regex) → ByteLevel · BPE over bytes". */
  pipeline?: string;
  /** A vocabulary file's algorithm where it is not plain BPE: "superbpe" or "unigram" (which has no pattern). */
  algorithm?: 'superbpe' | 'unigram';
}

type ListingFacts = Pick<VocabListing, 'size' | 'specials' | 'pattern' | 'pipeline' | 'algorithm'>;

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

/**
 * Parses the JSON but builds nothing from it: no token is decoded, no encoder made. A version 2 file (a Hugging
 * Face pipeline) is described by its tokenizer.json, as the model tokenizers are.
 */
async function readFileFacts(path: string): Promise<ListingFacts> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as
      | { version: 1 | 3; algorithm?: 'superbpe'; pattern: string; tokens: unknown[]; specials: Array<{ id: number }> }
      | { version: 3; algorithm: 'unigram'; pieces: unknown[]; specials: Array<{ id: number }> }
      | { version: 2; tokenizer: JsonObject & { model: { vocab: Record<string, number> } } };
    if (doc.version === 2) {
      let modelIds = 0;
      for (const id of Object.values(doc.tokenizer.model.vocab)) modelIds = Math.max(modelIds, id + 1);
      return pipelineFacts(doc.tokenizer, modelIds);
    }
    const specials = { specials: doc.specials.length };
    if (doc.algorithm === 'unigram') {
      const size = Math.max(BYTE_TOKENS + doc.pieces.length - 1, ...doc.specials.map((x) => x.id)) + 1;
      return { size, ...specials, pattern: null, algorithm: 'unigram' };
    }
    const size = Math.max(doc.tokens.length - 1, ...doc.specials.map((x) => x.id)) + 1;
    return { size, ...specials, pattern: doc.pattern, ...(doc.algorithm === 'superbpe' && { algorithm: 'superbpe' as const }) };
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

/** A model tokenizer's facts, from its compiled form's head (see modelPipelineHead); its files never change. */
async function factsOfModel(name: string): Promise<ListingFacts> {
  const { spec, modelIds } = await modelPipelineHead(name);
  return pipelineFacts(spec, modelIds);
}

/** A Hugging Face pipeline's facts: its size and specials, and its stages in a line. */
function pipelineFacts(spec: JsonObject, modelIds: number): ListingFacts {
  return { ...pipelineCounts(spec, modelIds), pattern: null, pipeline: pipelineLine(describePipeline(spec)) };
}

/** Model tokenizers' facts by name and tokenizer.json digest. */
const modelFacts = new Map<string, Promise<ListingFacts>>();

function modelFactsOf(name: string): Promise<ListingFacts> {
  const key = `${name}:${modelTokenizerFiles(name)?.sha256}`;
  let facts = modelFacts.get(key);
  if (facts === undefined) {
    modelFacts.set(key, (facts = factsOfModel(name)));
    facts.catch(() => modelFacts.delete(key)); // tried again on the next listing; the explorer names the fault
  }
  return facts.catch(() => UNKNOWN_FACTS);
}

/** Every listed vocabulary with its size, specials and pattern (a model tokenizer: its pipeline). */
export async function listVocabularies(): Promise<VocabListing[]> {
  return Promise.all(
    listTokenizers().map(async (t) => {
      if (isTiktokenEncodingName(t.name)) return { ...t, ...TIKTOKEN_FACTS[t.name] };
      if (t.kind === 'model') return { ...t, ...(await modelFactsOf(t.name)) };
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

/** The engine under a tokenizer: its vocabulary, or its pipeline with what the explorer derives from it. */
function engineOf(name: string, tokenizer: Tokenizer, sample: string): VocabEngine {
  const encoder = tokenizer.encoder;
  if (encoder instanceof Encoder) return { kind: 'vocabulary', vocab: encoder.vocab, encoder };
  if (encoder instanceof SuperBpeEncoder) return { kind: 'superbpe', vocab: encoder.vocab, encoder: encoder.whole, superbpe: encoder };
  if (encoder instanceof UnigramEncoder) return { kind: 'unigram', model: encoder.model, encoder };
  if (encoder instanceof HfPipeline) return { kind: 'pipeline', model: modelExplorer(name, encoder, sample) };
  throw new TypeError(`${name}: the explorer knows no engine ${encoder.constructor.name}`);
}

/**
 * The table's tokens: a vocabulary's ordinary ones; a Unigram model's byte tokens and pieces; every id of a
 * pipeline (an id no token has: no bytes).
 */
function tableTokens(engine: VocabEngine): Uint8Array[] {
  if (engine.kind === 'vocabulary' || engine.kind === 'superbpe') return engine.vocab.tokens;
  if (engine.kind === 'unigram') {
    const { encoder } = engine;
    return Array.from({ length: BYTE_TOKENS + engine.model.pieces.length }, (_, id) => encoder.tokenBytes(id));
  }
  const p = engine.model.pipeline;
  return Array.from({ length: p.nVocab }, (_, id) => (p.tokenString(id) === undefined ? new Uint8Array(0) : p.tokenBytes(id)));
}

async function analyse(name: string, tokenizer: Tokenizer): Promise<VocabAnalysis> {
  const sample = await labHeldOutSample();
  const engine = engineOf(name, tokenizer, sample);
  const tokens = tableTokens(engine);
  const n = tokens.length;
  const texts = new Array<string | undefined>(n);
  const classes = new Uint8Array(n);
  const histogram = new Array<number>(HISTOGRAM_MAX_BYTES + 1).fill(0);
  for (let id = 0; id < n; id++) {
    const bytes = tokens[id];
    texts[id] = tokenText(bytes);
    classes[id] = classify(texts[id]) | (spansWhitespace(bytes) ? TOKEN_CLASSES.superword : 0);
    histogram[Math.min(bytes.length, HISTOGRAM_MAX_BYTES)]++;
  }
  const ids = tokenizer.encoder.encodeOrdinary(sample);
  const used = new Set(ids);
  for (let id = 0; id < n; id++) if (!used.has(id)) classes[id] |= TOKEN_CLASSES.unused;
  const bytes = Buffer.byteLength(sample);
  const kind = listTokenizers().find((t) => t.name === name)?.kind ?? 'user';
  return {
    name,
    kind,
    engine,
    tokens,
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

/**
 * The merge tree of token `id`. A vocabulary's: down to single bytes, each token's parts are `mergeParts`
 * (the pair every encoding merges into it, whatever the context), and a token's rank is its id; a SuperBPE
 * stage-2 token's parts are its stage-2 merge's. A pipeline's: the model's own merges on the token's text
 * (modelMergeTree). A Unigram model has no merges: each token is a leaf.
 */
export function mergeTree(a: VocabAnalysis, id: number): MergeNode {
  const { engine } = a;
  if (engine.kind === 'pipeline') return modelMergeTree(engine.model, id, (t) => a.tokens[t]);
  const bytes = a.tokens[id];
  if (engine.kind === 'unigram') return { id, bytes, origin: id < BYTE_TOKENS ? 'byte-fallback' : 'whole', parts: [] };
  const { encoder } = engine;
  const ranks = { get: (k: string) => encoder.tokenId(Buffer.from(k, 'latin1')) };
  const parts = (engine.kind === 'superbpe' && stage2Parts(engine.superbpe, id)) || mergeParts(bytesToLatin1(bytes), ranks);
  const origin = parts.length === 0 ? 'byte' : parts.length === 2 ? id : 'whole';
  return { id, bytes, origin, parts: parts.map((part) => mergeTree(a, part)) };
}

/** The scrubber's k runs from 0 to this: a vocabulary's multi-byte tokens, a model's merges (a Unigram model: none). */
export function mergeCount(a: VocabAnalysis): number {
  const { engine } = a;
  if (engine.kind === 'unigram') return 0;
  return engine.kind === 'pipeline' ? engine.model.pipeline.model.merges.size : engine.vocab.tokens.length - 256;
}

/** Tokenizes a text after the first k merges, into the tokens' bytes. */
type Truncated = (text: string) => Uint8Array[];

const truncated = new WeakMap<VocabAnalysis, Map<number, Truncated>>();

/**
 * The tokenizer after its first k merges. A vocabulary: the 256 single bytes and its first k multi-byte
 * tokens (in rank order), with ids renumbered densely (the pages show the tokens' bytes, not their ids). A
 * pipeline: its model's merges of rank below k (modelAfterMerges). The last few are cached (a slider asks for
 * neighbouring k).
 */
export function truncatedTokenizer(a: VocabAnalysis, k: number): Truncated {
  let cache = truncated.get(a);
  if (cache === undefined) truncated.set(a, (cache = new Map()));
  let t = cache.get(k);
  if (t === undefined) {
    t = truncate(a.engine, k);
    if (cache.size >= 8) cache.delete(cache.keys().next().value!);
    cache.set(k, t);
  }
  return t;
}

function truncate(engine: VocabEngine, k: number): Truncated {
  if (engine.kind === 'pipeline') {
    const { pipeline } = engine.model;
    const model = modelAfterMerges(engine.model, k);
    return (text) => pipeline.encodeOrdinaryWith(model, text).map((id) => pipeline.tokenBytes(id));
  }
  if (engine.kind === 'unigram') return (text) => engine.encoder.encodeOrdinary(text).map((id) => engine.encoder.tokenBytes(id));
  if (engine.kind === 'superbpe') {
    const e = superBpeAfterTokens(engine.superbpe, k);
    return (text) => e.encodeOrdinary(text).map((id) => e.tokenBytes(id));
  }
  let multi = 0;
  const tokens = engine.vocab.tokens.filter((t) => t.length === 1 || multi++ < k);
  const e = new Encoder({ pattern: engine.vocab.pattern, tokens, merges: [], specials: [] }, { cacheSize: 0 });
  return (text) => e.encodeOrdinary(text).map((id) => e.tokenBytes(id));
}
