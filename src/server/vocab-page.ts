/**
 * What the vocabulary pages show (views/vocab.tsx), built from the listing and the analysis: the list's rows,
 * one page of the token table, a token's merge tree and the merge-step scrubber, with every token as a chip.
 */
import { isPatternName } from '../bpe/pretokenize/patterns.js';
import { BYTE_TOKENS } from '../bpe/unigram/unigram-model.js';
import type { MergeTreeNode, ScrubView } from '../../views/vocab-merges.js';
import type { MergeOrderView } from '../../views/vocab-model.js';
import type { VocabRow } from '../../views/vocab.js';
import type { TokenPage } from '../../views/vocab-tokens.js';
import { chipToken } from './vocab-bytes.js';
import {
  findTokens,
  mergeCount,
  PAGE_SIZE,
  TOKEN_CLASS_NAMES,
  TOKEN_CLASSES,
  truncatedTokenizer,
  type TokenQuery,
  type VocabAnalysis,
  type VocabListing,
} from './vocab-data.js';
import type { MergeNode } from './vocab-model.js';

/** The scrubber re-tokenizes at most this many characters of sample text. */
const MAX_SCRUB_CHARS = 2000;
const DEFAULT_SAMPLE = 'Byte-level BPE merges the most frequent pair, again and again. 分词器把文本切成词元，一次合并一对。';

export function vocabRow(v: VocabListing): VocabRow {
  return { ...v, pattern: v.pattern === null ? null : { source: v.pattern, named: isPatternName(v.pattern) } };
}

/**
 * What the explorer and GET /api/vocabularies/:name say of a vocabulary. `tokens`: the ids the token table
 * covers; `algorithm`: what made the tokens ("bpe", "superbpe" with its `superbpe` facts, "unigram", or
 * "huggingface" for a pipeline). A model tokenizer adds its pipeline (each stage in a few words, where its
 * files came from) and, if it is byte-level, the merge-order fact on the held-out sample.
 */
export function vocabSummary(a: VocabAnalysis) {
  const base = { name: a.name, kind: a.kind, tokens: a.tokens.length, heldOut: a.heldOut };
  const { engine } = a;
  if (engine.kind === 'vocabulary' || engine.kind === 'superbpe') {
    const { vocab } = engine;
    return {
      ...base,
      algorithm: engine.kind === 'superbpe' ? ('superbpe' as const) : ('bpe' as const),
      ...(vocab.superbpe && { superbpe: vocab.superbpe }),
      specials: vocab.specials,
      pattern: vocab.pattern,
      merges: vocab.merges.length,
      training: vocab.training ?? null,
    };
  }
  if (engine.kind === 'unigram') {
    const { model } = engine;
    return { ...base, algorithm: 'unigram' as const, specials: model.specials, pattern: null, merges: 0, training: model.training ?? null };
  }
  const { pipeline: p, description, source, mergeOrder } = engine.model;
  return {
    ...base,
    algorithm: 'huggingface' as const,
    specials: p.specials,
    pattern: null,
    merges: p.model.merges.size,
    training: null,
    pipeline: { ...description, modelIds: p.model.tokens.length, addedTokens: p.addedTokens.length, source: source ?? null },
    mergeOrder,
  };
}

/** The page of the tokens matching `query` it asks for (the last page if it asks for one beyond). */
export function tokenPage(a: VocabAnalysis, query: TokenQuery): TokenPage {
  const matches = findTokens(a, query);
  const pages = Math.max(1, Math.ceil(matches.length / PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const scores = a.engine.kind === 'unigram' ? a.engine.model.scores : undefined;
  const rows = matches.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((id) => ({
    id,
    token: chipToken(a.tokens[id]),
    classes: TOKEN_CLASS_NAMES.filter((c) => (a.classes[id] & TOKEN_CLASSES[c]) !== 0),
    ...(scores && id >= BYTE_TOKENS && { logProb: scores[id - BYTE_TOKENS] }),
  }));
  return { matches: matches.length, page, pages, rows, ...(scores && { logProbs: true }) };
}

export function mergeTreeView(node: MergeNode): MergeTreeNode {
  return { id: node.id, token: chipToken(node.bytes), origin: node.origin, parts: node.parts.map(mergeTreeView) };
}

/** The sample (DEFAULT_SAMPLE when none is given) after the first k merges (all of them when k is not a number). */
export function scrubView(a: VocabAnalysis, sampleIn: string | undefined, kIn: string | undefined): ScrubView {
  const max = mergeCount(a);
  const k = Math.max(0, Math.min(max, Number.isInteger(Number(kIn)) && kIn !== undefined && kIn !== '' ? Number(kIn) : max));
  const sample = (sampleIn ?? DEFAULT_SAMPLE).slice(0, MAX_SCRUB_CHARS);
  const pieces = truncatedTokenizer(a, k)(sample).map(chipToken);
  return { k, max, sample, bytes: Buffer.byteLength(sample), pieces };
}

/** A byte-level model's merge-order fact with its examples' tokens as chips; undefined for any other tokenizer. */
export function mergeOrderView(a: VocabAnalysis): MergeOrderView | undefined {
  if (a.engine.kind !== 'pipeline') return undefined;
  const { mergeOrder } = a.engine.model;
  if (mergeOrder === null) return undefined;
  const chips = (ids: number[]) => ids.map((id) => chipToken(a.tokens[id]));
  return {
    ...mergeOrder,
    examples: mergeOrder.examples.map((e) => ({
      piece: chipToken(Buffer.from(e.piece)),
      mergeOrder: chips(e.mergeOrder),
      rankOrder: chips(e.rankOrder),
    })),
  };
}
