/**
 * Merges derived from ranks alone: the pair tiktoken's BPE merges into each token (`mergeParts`), and the
 * merge lists built from it, for rank files that carry no merges (`deriveMerges`) and for tokenizer.json
 * (`hfMerges`). The vocabulary explorer's merge tree (src/server/vocab-data.ts) walks `mergeParts` too.
 */
import { bytesToLatin1 } from './bytes.js';
import { plainBytePairMerge, type RankLookup } from './encode/plain-byte-pair-merge.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * The ids of the parts tiktoken's BPE ends with on `token`'s own bytes (a byte string as latin1, looked up in
 * `ranks`) when it may not form the token itself: two for a token BPE makes by a merge, more for a token
 * only ever produced whole (as a piece that is a token), none for a single byte.
 *
 * Why these two parts are the only pair that matters: within a span of a piece that is covered by whole
 * symbols, tiktoken's merges happen in exactly the order they would if the span's bytes were encoded alone
 * (each step takes the lowest-ranked, leftmost pair, and a pair inside the span only depends on the span).
 * That order passes through exactly one state of two parts. So whenever tiktoken makes the token by a merge,
 * the two parts are these, whatever the context.
 */
export function mergeParts(token: string, ranks: RankLookup): number[] {
  if (token.length < 2) return [];
  const withoutSelf = { get: (k: string) => (k.length === token.length ? undefined : ranks.get(k)) };
  const bounds = plainBytePairMerge(token, withoutSelf);
  return bounds.slice(0, -1).map((start, i) => ranks.get(token.slice(start, bounds[i + 1]))!);
}

/** The ordinary tokens of `vocab` by their bytes as latin1. */
function idsByBytes(vocab: Vocabulary): Map<string, number> {
  const ids = new Map<string, number>();
  vocab.tokens.forEach((t, id) => ids.set(bytesToLatin1(t), id));
  return ids;
}

/** For each token, the pair tiktoken's BPE merges into it (`mergeParts`); undefined where there is none. */
export function finalSplits(vocab: Vocabulary): Array<[number, number] | undefined> {
  const ids = idsByBytes(vocab);
  return vocab.tokens.map((t) => {
    const parts = mergeParts(bytesToLatin1(t), ids);
    return parts.length === 2 ? [parts[0], parts[1]] : undefined;
  });
}

/**
 * Recover the merges of a vocabulary read from ranks (a rank file carries none): each multi-byte token's
 * final split, in rank order. A token with none (BPE never makes it by a merge, only as a whole piece) is
 * left out; `unreachable` lists such token ids. For a vocabulary tokenlab trained, these are its merges.
 */
export function deriveMerges(vocab: Vocabulary): { merges: Array<[number, number]>; unreachable: number[] } {
  const merges: Array<[number, number]> = [];
  const unreachable: number[] = [];
  finalSplits(vocab).forEach((split, id) => {
    if (split !== undefined) merges.push(split);
    else if (vocab.tokens[id].length > 1) unreachable.push(id);
  });
  return { merges, unreachable };
}

export interface HfMergesOptions {
  /**
   * Also list the other splits of each token into two tokens (after its final split, left to right by split
   * point). Default true. They are never needed when encoding agrees with tiktoken (see finalSplits); they
   * are there so that `tokenizers` still merges a pair tiktoken would merge if that ever happened.
   */
  allSplits?: boolean;
}

/**
 * The merge list that makes `tokenizers` (with `ignore_merges`) encode like tiktoken: for every multi-byte
 * token t in rank (id) order, first its final split (the pair tiktoken merges into t, see finalSplits), then
 * every other split of t into two tokens (x, y), x + y = t. The pair priority `tokenizers` uses is then the
 * rank of the token the pair makes, as in tiktoken, and among pairs making the same token the one tiktoken can
 * meet comes first. The merges the vocabulary was trained with are not used: they can differ (a token
 * learned as ab+c may be reached as a+bc, which tiktoken merges and a learned-merges list would not).
 * `finals`: finalSplits(vocab), when the caller has it already.
 */
export function hfMerges(
  vocab: Vocabulary,
  options: HfMergesOptions = {},
  finals: ReadonlyArray<[number, number] | undefined> = finalSplits(vocab),
): Array<[number, number]> {
  const allSplits = options.allSplits ?? true;
  const ids = idsByBytes(vocab);
  const merges: Array<[number, number]> = [];
  vocab.tokens.forEach((t, id) => {
    const fin = finals[id];
    if (fin !== undefined) merges.push(fin);
    if (!allSplits || t.length < 2) return;
    const s = bytesToLatin1(t);
    for (let k = 1; k < s.length; k++) {
      const a = ids.get(s.slice(0, k));
      if (a === undefined) continue;
      const b = ids.get(s.slice(k));
      if (b !== undefined && !(fin !== undefined && fin[0] === a && fin[1] === b)) merges.push([a, b]);
    }
  });
  return merges;
}
