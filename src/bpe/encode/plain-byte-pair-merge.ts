/**
 * tiktoken's `_byte_pair_merge` as tiktoken writes it: a plain quadratic scan over a byte string, with any
 * token lookup. It serves offline work on tokens' own bytes (merges-from-ranks.ts), where the lookup must be
 * able to leave a token out, and is the reference the tests hold the encoder's typed-array merge
 * (byte-pair-merge.ts) to.
 */

/** Token lookup by byte string (latin1): a Map, or anything with its `get`. */
export interface RankLookup {
  get(key: string): number | undefined;
}

/**
 * Start from the single bytes of `piece` (a byte string as latin1) and repeatedly merge the adjacent pair
 * whose concatenation has the lowest rank in `ranks` (leftmost on ties), until no adjacent pair is in
 * `ranks`. Returns the part boundaries: [0, ..., piece.length].
 */
export function plainBytePairMerge(piece: string, ranks: RankLookup): number[] {
  const n = piece.length;
  if (n <= 1) return n === 0 ? [0] : [0, 1];
  const starts: number[] = new Array(n + 1);
  const pair: number[] = new Array(n + 1);
  for (let i = 0; i <= n; i++) starts[i] = i;
  for (let i = 0; i + 1 < n; i++) pair[i] = ranks.get(piece.slice(i, i + 2)) ?? Infinity;
  pair[n - 1] = Infinity;
  pair[n] = Infinity;
  let m = n + 1;
  for (;;) {
    let best = Infinity;
    let at = -1;
    for (let k = 0; k < m - 1; k++) {
      if (pair[k] < best) {
        best = pair[k];
        at = k;
      }
    }
    if (at < 0) break;
    // Part `at` absorbs part `at + 1`: recompute the pair ranks that involve it, then drop boundary at + 1.
    pair[at] = at + 3 < m ? (ranks.get(piece.slice(starts[at], starts[at + 3])) ?? Infinity) : Infinity;
    if (at > 0) pair[at - 1] = ranks.get(piece.slice(starts[at - 1], starts[at + 2])) ?? Infinity;
    starts.splice(at + 1, 1);
    pair.splice(at + 1, 1);
    m--;
  }
  return starts.slice(0, m);
}
