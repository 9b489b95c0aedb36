/**
 * The most probable segmentation of a word under a Unigram model (SentencePiece's Lattice::Viterbi, as
 * `tokenizers`' Unigram::encode_optimized runs it): best[e] is the best score of a segmentation of
 * text[start, e); each position, in order, offers the pieces starting there (shortest first) and, when no
 * piece is that one character, the character alone as an unknown at `unknownScore`. A candidate replaces the
 * one kept at its end only when strictly better, so on a tie the piece that starts first wins.
 *
 * ```ts
 * // pieces a (-1), b (-1), ab (-1.5): "ab" → [ab]; "abc" → [ab, unknown "c"]
 * ```
 */
import type { PieceTrie } from './piece-trie.js';

/** Scratch arrays, grown as needed and reused between words. */
export class ViterbiScratch {
  best = new Float64Array(64);
  from = new Int32Array(64);
  piece = new Int32Array(64);
  /** The path, last piece first: pathEnd[k] and pathPiece[k] (-1: an unknown character). */
  pathEnd = new Int32Array(64);
  pathPiece = new Int32Array(64);

  ensure(n: number): void {
    if (this.best.length > n) return;
    const size = Math.max(n + 1, this.best.length * 2);
    this.best = new Float64Array(size);
    this.from = new Int32Array(size);
    this.piece = new Int32Array(size);
    this.pathEnd = new Int32Array(size);
    this.pathPiece = new Int32Array(size);
  }
}

/** The code units of the character at text[i] (2 for a surrogate pair, else 1). */
export function charLength(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/**
 * Segments text[start, end) into scratch.pathEnd/pathPiece (last piece first) and returns the number of
 * pieces. `exclude`: a piece index not to use over the whole word (the second-best segmentation of a piece).
 */
export function viterbi(
  trie: PieceTrie,
  scores: ArrayLike<number>,
  unknownScore: number,
  text: string,
  start: number,
  end: number,
  scratch: ViterbiScratch,
  exclude = -1,
): number {
  const n = end - start;
  scratch.ensure(n);
  const { best, from, piece } = scratch;
  from.fill(-1, 0, n + 1);
  best[0] = 0;
  from[0] = 0;
  const pieceAt = trie.pieceAt;
  for (let s = 0; s < n;) {
    const len1 = charLength(text, start + s, end);
    const base = best[s];
    let single = false;
    let node = trie.root;
    for (let e = s; e < n; e++) {
      node = trie.child(node, text.charCodeAt(start + e));
      if (node < 0) break;
      const p = pieceAt[node];
      if (p < 0 || (p === exclude && s === 0 && e + 1 === n)) continue;
      const cand = base + scores[p];
      if (from[e + 1] < 0 || cand > best[e + 1]) {
        best[e + 1] = cand;
        from[e + 1] = s;
        piece[e + 1] = p;
      }
      if (e + 1 - s === len1) single = true;
    }
    if (!single) {
      const cand = base + unknownScore;
      if (from[s + len1] < 0 || cand > best[s + len1]) {
        best[s + len1] = cand;
        from[s + len1] = s;
        piece[s + len1] = -1;
      }
    }
    s += len1;
  }
  let k = 0;
  for (let e = n; e > 0; e = from[e]) {
    scratch.pathEnd[k] = e;
    scratch.pathPiece[k++] = piece[e];
  }
  return k;
}
