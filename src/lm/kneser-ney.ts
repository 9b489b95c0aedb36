/**
 * Interpolated modified Kneser-Ney, as KenLM's lmplz computes it (see docs/lm.md).
 */
import { BOS, UNK, type NGramTrie } from './ngram-trie.js';

/** [0, D1, D2, D3+] for one order. */
export type Discount = [number, number, number, number];

export const FALLBACK_DISCOUNT: Discount = [0, 0.5, 1, 1.5];

export interface KneserNeyModel {
  trie: NGramTrie;
  /** Per order (index order - 1). */
  discounts: Discount[];
  /** Per order: whether the fallback discounts replaced the closed form. */
  usedFallback: boolean[];
  /** Per level: log10 interpolated probability of each n-gram. */
  logProb: Float64Array[];
  /** Per level: log10 backoff (interpolation weight) of each n-gram as a context; 0 without children. */
  logBackoff: Float64Array[];
}

const f = Math.fround;

/**
 * Chen and Goodman's closed form (eq. 26) from the counts-of-counts n[1..4], computed in single precision
 * as lmplz does; null when it is undefined (some n[j] = 0) or out of range (D_j outside [0, j]).
 */
export function closedFormDiscount(n: ArrayLike<number>): Discount | null {
  for (let j = 1; j < 4; j++) if (n[j] === 0) return null;
  const y = f(f(n[1]) / f(n[1] + 2 * n[2]));
  const d: Discount = [0, 0, 0, 0];
  for (let j = 1; j < 4; j++) {
    d[j] = f(j - f(f(f(j + 1) * y) * f(n[j + 1])) / f(n[j]));
    if (d[j] < 0 || d[j] > j) return null;
  }
  return d;
}

/** Read access to adjusted counts and child ranges: the counting trie and the packed model both give it. */
export interface CountSource {
  readonly order: number;
  levelSize(l: number): number;
  count(l: number, i: number): number;
  /** Children of entry i of level l (l < order - 1) are childStart(l, i) .. childStart(l, i + 1) - 1 of level l + 1. */
  childStart(l: number, i: number): number;
}

export function trieCounts(trie: NGramTrie): CountSource {
  const levels = trie.levels;
  return {
    order: trie.order,
    levelSize: (l) => levels[l].word.length,
    count: (l, i) => levels[l].count[i],
    childStart: (l, i) => levels[l].childStart[i],
  };
}

/** Discounts per order from the counts-of-counts of the adjusted counts of all its n-grams (`<s>` ones too). */
export function discountsOf(src: CountSource, fallback: Discount = FALLBACK_DISCOUNT): { discounts: Discount[]; usedFallback: boolean[] } {
  const discounts: Discount[] = [];
  const usedFallback: boolean[] = [];
  for (let l = 0; l < src.order; l++) {
    const n = [0, 0, 0, 0, 0];
    for (let i = 0; i < src.levelSize(l); i++) {
      const c = src.count(l, i);
      if (c < 5) n[c]++;
    }
    const d = closedFormDiscount(n);
    discounts.push(d ?? ([...fallback] as Discount));
    usedFallback.push(d === null);
  }
  return { discounts, usedFallback };
}

/** The discounted count a - D(a) of an n-gram of level l. */
export function discounted(d: Discount, c: number): number {
  return c - d[c < 3 ? c : 3];
}

/**
 * Per context level (0: the root, l: the entries of level l - 1 as contexts of level l): the denominator (sum of
 * the children's adjusted counts) and gamma = (D1 N1 + D2 N2 + D3+ N3+) / denominator; both 0 without children.
 */
export function contextWeights(src: CountSource, discounts: Discount[]): { gamma: Float64Array[]; denom: Float64Array[] } {
  const gamma: Float64Array[] = [];
  const denom: Float64Array[] = [];
  for (let l = 0; l < src.order; l++) {
    const contexts = l === 0 ? 1 : src.levelSize(l - 1);
    const g = new Float64Array(contexts);
    const den = new Float64Array(contexts);
    const d = discounts[l];
    for (let p = 0; p < contexts; p++) {
      const a = l === 0 ? 0 : src.childStart(l - 1, p);
      const b = l === 0 ? src.levelSize(0) : src.childStart(l - 1, p + 1);
      if (a === b) continue;
      let sum = 0;
      let k1 = 0,
        k2 = 0,
        k3 = 0;
      for (let i = a; i < b; i++) {
        const c = src.count(l, i);
        sum += c;
        if (c === 1) k1++;
        else if (c === 2) k2++;
        else if (c >= 3) k3++;
      }
      den[p] = sum;
      g[p] = (d[1] * k1 + d[2] * k2 + d[3] * k3) / sum;
    }
    gamma.push(g);
    denom.push(den);
  }
  return { gamma, denom };
}

export interface EstimateOptions {
  fallback?: Discount;
  /** How many words the unigram interpolation spreads over: lmplz's V - 1 (every word but `<s>`) by default;
   * in lab mode the tokenizer's vocabulary plus `</s>`. */
  uniformSize?: number;
}

export function estimateKneserNey(trie: NGramTrie, options: EstimateOptions = {}): KneserNeyModel {
  const N = trie.order;
  const levels = trie.levels;
  const src = trieCounts(trie);
  const { discounts, usedFallback } = discountsOf(src, options.fallback);
  const { gamma: gammas, denom: denoms } = contextWeights(src, discounts);
  const apply = (l: number, c: number) => discounted(discounts[l], c);

  // Interpolated probabilities, order by order.
  const probs: Float64Array[] = [];
  {
    const lev = levels[0];
    const V = lev.word.length;
    // lmplz interpolates unigrams with the uniform distribution over the vocabulary without <s>.
    const uniform = 1 / (options.uniformSize ?? V - 1);
    const gamma = gammas[0][0];
    const p = new Float64Array(V);
    for (let w = 0; w < V; w++) {
      if (w === BOS) p[w] = 1;
      else if (w === UNK) p[w] = gamma * uniform;
      else p[w] = apply(0, lev.count[w]) / denoms[0][0] + gamma * uniform;
    }
    probs.push(p);
  }
  for (let l = 1; l < N; l++) {
    const lev = levels[l];
    const lower = probs[l - 1];
    const p = new Float64Array(lev.word.length);
    for (let i = 0; i < lev.word.length; i++) {
      const c = lev.ctx[i];
      p[i] = apply(l, lev.count[i]) / denoms[l][c] + gammas[l][c] * lower[lev.suffix[i]];
    }
    probs.push(p);
  }
  const logProb = probs.map((p) => p.map(Math.log10));
  const logBackoff: Float64Array[] = [];
  for (let l = 0; l < N; l++) {
    const size = levels[l].word.length;
    const b = new Float64Array(size);
    if (l + 1 < N) {
      const g = gammas[l + 1];
      for (let i = 0; i < size; i++) if (g[i] > 0) b[i] = Math.log10(g[i]);
    }
    logBackoff.push(b);
  }
  return { trie, discounts, usedFallback, logProb, logBackoff };
}
