/**
 * The frequent substrings of a text, as SentencePiece finds its seed pieces (esaxx): the internal nodes of
 * the suffix tree, i.e. the substrings that occur at least twice and are followed by at least two different
 * characters, each with its number of occurrences, read from the suffix array's lcp intervals. Only nodes up
 * to `maxDepth` characters are needed, so common prefixes are compared up to maxDepth + 1 characters: a deeper
 * node is never reported and never moves where a shallower one ends.
 *
 * ```ts
 * // "abab" + boundary: nodes "ab" (2 occurrences), "b" (2)
 * ```
 */

/**
 * Calls `node(offset, depth, occurrences)` for every internal node of the suffix tree of depth 1 to maxDepth
 * (lcp intervals, Abouelhoda et al. 2004): `s.subarray(offset, offset + depth)` occurs `occurrences` times.
 */
export function forEachRepeat(
  s: Int32Array,
  sa: Int32Array,
  maxDepth: number,
  node: (offset: number, depth: number, occurrences: number) => void,
): void {
  const n = s.length;
  const cap = maxDepth + 1;
  const stackLcp = new Int32Array(cap + 2);
  const stackLb = new Int32Array(cap + 2);
  let top = 0; // stack[0] is the root (lcp 0)
  for (let i = 1; i <= n; i++) {
    const lcp = i < n ? commonPrefix(s, sa[i - 1], sa[i], cap) : 0;
    let lb = i - 1;
    while (lcp < stackLcp[top]) {
      const depth = stackLcp[top];
      lb = stackLb[top];
      top--;
      if (depth <= maxDepth) node(sa[lb], depth, i - lb);
    }
    if (lcp > stackLcp[top]) {
      top++;
      stackLcp[top] = lcp;
      stackLb[top] = lb;
    }
  }
}

function commonPrefix(s: Int32Array, a: number, b: number, cap: number): number {
  const n = s.length;
  let l = 0;
  while (l < cap && a + l < n && b + l < n && s[a + l] === s[b + l]) l++;
  return l;
}
