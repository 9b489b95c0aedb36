/**
 * How often Hugging Face's merge order and tiktoken's rank order tokenize a text differently, for a byte-level
 * BPE pipeline: the same vocabulary, the same pieces, two merge rules. `tokenizers` merges the adjacent pair
 * listed first in `merges`; tiktoken the pair whose concatenation is the token of lowest id (rank). With merges
 * derived from the ranks the two agree; a model's own merges (Qwen3's, DeepSeek-V3's) need not.
 *
 * Example: tokens a, b, c, ab, bc, abc (ids in that order) and merges [(b,c), (a,b), (ab,c)]. On "abc" the
 * merge order merges (b,c) first, and (a,bc) is no merge: [a, bc]. The rank order merges (a,b) (ab's rank 3
 * beats bc's 4), then "ab"+"c" is the token abc: [abc].
 */
import { utf8Encode } from '../bytes.js';
import { IdBuffer } from './id-buffer.js';
import { Encoder } from '../encode/encoder.js';
import { VocabularyError } from '../vocabulary.js';
import type { HfPipeline } from './pipeline.js';

export interface MergeOrderExample {
  piece: string;
  /** Ids by Hugging Face's merge order (what the model uses). */
  mergeOrder: number[];
  /** Ids by tiktoken's rank order over the same vocabulary. */
  rankOrder: number[];
}

export interface MergeOrderComparison {
  /** Pieces the text is cut into (added tokens aside). */
  pieces: number;
  /** Pieces the two rules tokenize differently. */
  differing: number;
  tokensByMergeOrder: number;
  tokensByRankOrder: number;
  /** The first differing pieces, in text order. */
  examples: MergeOrderExample[];
}

/** tiktoken's rule over a byte-level pipeline's vocabulary: token `id` is rank `id` (the ids must be dense). */
function rankOrderEncoder(p: HfPipeline): Encoder {
  if (!p.model.byteLevel) throw new VocabularyError('rank order: the model is not byte-level BPE');
  const n = p.model.tokens.length;
  const tokens: Uint8Array[] = new Array<Uint8Array>(n);
  for (let id = 0; id < n; id++) {
    if (p.model.tokens[id] === undefined) throw new VocabularyError(`rank order: the model's ids are not dense (no token ${id})`);
    tokens[id] = p.tokenBytes(id);
  }
  // The pattern is never used: pieces come from the pipeline and go through encodeBytes.
  return new Encoder({ pattern: 'gpt2', tokens, merges: [], specials: [] }, { cacheSize: 0 });
}

/** Compares the two rules on every piece of `text` (see the module comment); keeps up to `maxExamples`. */
export function compareMergeOrders(p: HfPipeline, text: string, maxExamples = 10): MergeOrderComparison {
  const ranks = rankOrderEncoder(p);
  const out: MergeOrderComparison = { pieces: 0, differing: 0, tokensByMergeOrder: 0, tokensByRankOrder: 0, examples: [] };
  for (const piece of p.pieces(text)) {
    const ids = new IdBuffer();
    p.model.encodePiece(piece, ids);
    const mergeOrder = ids.toArray();
    const rankOrder = ranks.encodeBytes(utf8Encode(piece));
    out.pieces++;
    out.tokensByMergeOrder += mergeOrder.length;
    out.tokensByRankOrder += rankOrder.length;
    if (mergeOrder.length === rankOrder.length && mergeOrder.every((id, i) => id === rankOrder[i])) continue;
    out.differing++;
    if (out.examples.length < maxExamples) out.examples.push({ piece, mergeOrder, rankOrder });
  }
  return out;
}
