/**
 * The pieces that start at each character of some words (their lattices' edges), found once by walking a trie of
 * the pieces. EM's M step and the pruning only drop pieces and keep the others in order, so a later pass's
 * pieces are a subsequence of those the edges were found with: the edges are kept and their pieces renumbered
 * (`renumber`, and `keep` once many are gone), rather than a trie built and walked again for every pass. The edges come as the trie walk gives
 * them (by start, then shortest first), so the sums over them are the same, bit for bit.
 *
 * ```ts
 * const edges = new WordEdges(new PieceTrie(['a', 'ab', 'b']), ['ab'], 0, 1); // a (0-1), ab (0-2), b (1-2)
 * renumber(['a', 'ab', 'b'], ['ab', 'b']); // [-1, 0, 1]: 'a' gone
 * ```
 */
import type { PieceTrie } from './piece-trie.js';
import { charLength } from './viterbi.js';

export class WordEdges {
  /** Word `from + i`'s edges are first[i] .. first[i + 1] - 1. */
  readonly first: Int32Array;
  /** Each edge's start in its word and length, in UTF-16 code units, and its piece (an index into the trie's pieces). */
  start = new Int32Array(1024);
  length = new Uint16Array(1024);
  piece = new Int32Array(1024);

  constructor(trie: PieceTrie, words: readonly string[], from: number, to: number) {
    this.first = new Int32Array(to - from + 1);
    let k = 0;
    for (let w = from; w < to; w++) {
      const word = words[w];
      for (let s = 0; s < word.length; s += charLength(word, s, word.length)) {
        let node = trie.root;
        for (let e = s; e < word.length; e++) {
          node = trie.child(node, word.charCodeAt(e));
          if (node < 0) break;
          const p = trie.pieceAt[node];
          if (p < 0) continue;
          if (k === this.start.length) this.grow();
          this.start[k] = s;
          this.length[k] = e + 1 - s;
          this.piece[k++] = p;
        }
      }
      this.first[w - from + 1] = k;
    }
  }

  get count(): number {
    return this.first[this.first.length - 1];
  }

  /** Keeps only the edges whose piece `index` keeps (>= 0), renumbered, in place. */
  keep(index: Int32Array): void {
    const { first, start, length, piece } = this;
    let k = 0;
    for (let w = 0, e = 0; w + 1 < first.length; w++) {
      for (; e < first[w + 1]; e++) {
        if (index[piece[e]] < 0) continue;
        start[k] = start[e];
        length[k] = length[e];
        piece[k++] = index[piece[e]];
      }
      first[w + 1] = k;
    }
  }

  private grow(): void {
    const size = this.start.length * 2;
    const start = new Int32Array(size);
    const length = new Uint16Array(size);
    const piece = new Int32Array(size);
    start.set(this.start);
    length.set(this.length);
    piece.set(this.piece);
    Object.assign(this, { start, length, piece });
  }
}

/**
 * Each of `found`'s pieces' index in `pieces`, or -1 where it is gone; null when `pieces` is not a subsequence of
 * `found` (the pieces are distinct, so the greedy match is the only one).
 */
export function renumber(found: readonly string[], pieces: readonly string[]): Int32Array | null {
  const index = new Int32Array(found.length).fill(-1);
  let j = 0;
  for (let i = 0; i < found.length && j < pieces.length; i++) if (found[i] === pieces[j]) index[i] = j++;
  return j === pieces.length ? index : null;
}
