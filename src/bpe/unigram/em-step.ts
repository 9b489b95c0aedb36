/**
 * One EM step of SentencePiece's unigram trainer. E (Trainer::RunEStep, Lattice::PopulateMarginal): the
 * expected count of each piece over all segmentations of every word, by forward-backward in log space
 * (`Lattice`, one word at a time; word-passes.ts runs it over the words). M
 * (Trainer::RunMStep): pieces expected fewer than 0.5 times are dropped, the rest get
 * digamma(count) - digamma(total), the Bayesian (Dirichlet-prior) update that favours sparse vocabularies.
 */
import { charLength } from './viterbi.js';
import type { WordEdges } from './word-edges.js';

/** The pieces kept by the M step, with their new scores. */
export function maximize(pieces: readonly string[], expected: Float64Array): { pieces: string[]; scores: number[] } {
  const kept: string[] = [];
  const counts: number[] = [];
  let sum = 0;
  for (let i = 0; i < pieces.length; i++) {
    if (expected[i] < 0.5) continue;
    kept.push(pieces[i]);
    counts.push(expected[i]);
    sum += expected[i];
  }
  const logSum = digamma(sum);
  return { pieces: kept, scores: counts.map((c) => digamma(c) - logSum) };
}

/** The digamma function (SentencePiece's series: recurrence up to 7, then the asymptotic expansion). */
export function digamma(x: number): number {
  let result = 0;
  for (; x < 7; ++x) result -= 1 / x;
  x -= 0.5;
  const xx = 1 / x;
  const xx2 = xx * xx;
  const xx4 = xx2 * xx2;
  return result + Math.log(x) + xx2 / 24 - (7 / 960) * xx4 + (31 / 8064) * xx4 * xx2 - (127 / 30720) * xx4 * xx4;
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** A word's lattice: its edges (start, end, piece; -1 an unknown character) and forward/backward sums. */
export class Lattice {
  private cap = 0;
  private alpha = new Float64Array(0);
  private beta = new Float64Array(0);
  private edgeStart = new Int32Array(0);
  private edgeEnd = new Int32Array(0);
  private edgePiece = new Int32Array(0);

  /**
   * Adds count × each piece's marginal to `expected`; returns log Z (the word's log-likelihood). The word's
   * edges are `edges`' for its index `w` there, their pieces renumbered by `index` (-1: gone).
   */
  marginals(
    edges: WordEdges,
    w: number,
    index: Int32Array,
    scores: Float64Array,
    unknownScore: number,
    word: string,
    count: number,
    expected: Float64Array,
  ): number {
    const n = word.length;
    this.ensure(n);
    const { alpha, beta } = this;
    alpha.fill(-Infinity, 0, n + 1);
    alpha[0] = 0;
    let k = 0;
    const { start, length, piece } = edges;
    const last = edges.first[w + 1];
    for (let s = 0, e = edges.first[w]; s < n;) {
      const len1 = charLength(word, s, n);
      let single = false;
      for (; e < last && start[e] === s; e++) {
        const p = index[piece[e]];
        if (p < 0) continue;
        k = this.addEdge(k, s, s + length[e], p);
        alpha[s + length[e]] = logAddExp(alpha[s + length[e]], alpha[s] + scores[p]);
        if (length[e] === len1) single = true;
      }
      if (!single) {
        k = this.addEdge(k, s, s + len1, -1);
        alpha[s + len1] = logAddExp(alpha[s + len1], alpha[s] + unknownScore);
      }
      s += len1;
    }
    const z = alpha[n];
    beta.fill(-Infinity, 0, n + 1);
    beta[n] = 0;
    for (k--; k >= 0; k--) {
      const p = this.edgePiece[k];
      const sc = p < 0 ? unknownScore : scores[p];
      const s = this.edgeStart[k];
      const e = this.edgeEnd[k];
      beta[s] = logAddExp(beta[s], sc + beta[e]);
      if (p >= 0) expected[p] += count * Math.exp(alpha[s] + sc + beta[e] - z);
    }
    return z;
  }

  private addEdge(k: number, s: number, e: number, p: number): number {
    if (k >= this.edgeStart.length) {
      const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
        const b = new Int32Array(Math.max(64, a.length * 2));
        b.set(a);
        return b;
      };
      this.edgeStart = grow(this.edgeStart);
      this.edgeEnd = grow(this.edgeEnd);
      this.edgePiece = grow(this.edgePiece);
    }
    this.edgeStart[k] = s;
    this.edgeEnd[k] = e;
    this.edgePiece[k] = p;
    return k + 1;
  }

  private ensure(n: number): void {
    if (this.cap > n) return;
    this.cap = Math.max(n + 1, this.cap * 2);
    this.alpha = new Float64Array(this.cap);
    this.beta = new Float64Array(this.cap);
  }
}
