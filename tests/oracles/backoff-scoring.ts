/**
 * Test oracle: scoring by the ARPA backoff rule, as KenLM's `query` does, on a `KneserNeyModel` (the estimate,
 * or an ARPA file imported by ./arpa-reader.ts). The lab scores with `LanguageModel` (src/lm/model.ts) and its
 * context states; the tests check it against this, and this against KenLM's own output.
 */
import { findChild, BOS, EOS, UNK, type NGramTrie } from '../../src/lm/ngram-trie.js';
import type { KneserNeyModel } from '../../src/lm/kneser-ney.js';

/** Word index of a token id (`<unk>` when unseen). Builds the lookup on first use. */
export function makeWordLookup(trie: NGramTrie): (token: number) => number {
  const m = new Map<number, number>();
  for (let w = 3; w < trie.vocab.length; w++) m.set(trie.vocab[w], w);
  return (t) => m.get(t) ?? UNK;
}

/**
 * log10 P(word | context) by the ARPA backoff rule: the longest n-gram (context suffix, word) in the model,
 * plus the backoffs of the longer context suffixes that are in the model. `context` holds word indices,
 * oldest first; only its last order - 1 words matter.
 */
export function logProb10(model: KneserNeyModel, context: ArrayLike<number>, word: number): number {
  const trie = model.trie;
  const N = trie.order;
  const h = Math.min(context.length, N - 1);
  // nodes[j] = index in level j - 1 of the last j context words (j >= 1), -1 if absent.
  let best = model.logProb[0][word];
  let bestLen = 0;
  let backoffSum = 0;
  // Walk context suffixes of growing length, from the word nearest to `word` backwards: the trie is
  // forward, so look each suffix up from its first word.
  const ctxNodes: number[] = [];
  for (let j = 1; j <= h; j++) {
    const from = context.length - j;
    let node = context[from];
    let ok = node < trie.levels[0].word.length;
    for (let i = 1; ok && i < j; i++) {
      node = findChild(trie, i, node, context[from + i]);
      ok = node >= 0;
    }
    ctxNodes.push(ok ? node : -1);
  }
  for (let j = 1; j <= h; j++) {
    const c = ctxNodes[j - 1];
    if (c < 0) break;
    const e = findChild(trie, j, c, word);
    if (e >= 0) {
      best = model.logProb[j][e];
      bestLen = j;
    }
  }
  for (let j = bestLen + 1; j <= h; j++) {
    const c = ctxNodes[j - 1];
    if (c >= 0) backoffSum += model.logBackoff[j - 1][c];
  }
  return best + backoffSum;
}

/** log10 probability of a line (token ids) as KenLM's query scores it: each token and `</s>`, after `<s>`. */
export function scoreLine(
  model: KneserNeyModel,
  tokens: ArrayLike<number>,
  lookup = makeWordLookup(model.trie),
): { log10: number; oov: number } {
  const ctx: number[] = [BOS];
  let total = 0;
  let oov = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const w = i < tokens.length ? lookup(tokens[i]) : EOS;
    if (w === UNK) oov++;
    total += logProb10(model, ctx, w);
    ctx.push(w);
  }
  return { log10: total, oov };
}

/** Index in level `words.length - 1` of the n-gram `words`, or -1. */
export function findNGram(trie: NGramTrie, words: ArrayLike<number>): number {
  if (words.length === 0 || words.length > trie.order) return -1;
  let node = words[0];
  if (node >= trie.levels[0].word.length) return -1;
  for (let i = 1; i < words.length; i++) {
    node = findChild(trie, i, node, words[i]);
    if (node < 0) return -1;
  }
  return node;
}
