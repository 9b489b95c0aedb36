/**
 * The frequent substrings of a text, as SentencePiece finds its seed pieces (esaxx): the internal nodes of
 * the suffix tree, i.e. the substrings that occur at least twice and are followed by at least two different
 * characters, each with its number of occurrences, read from the suffix array's lcp intervals (Abouelhoda et
 * al. 2004).
 *
 * Only the nodes whose substring is of interest are wanted: those no longer than `limit` at their start, where
 * `limit[p]` depends only on the text from p on and whatever is of interest has all its prefixes of interest
 * (piece-rules.ts's `validLengths`). Two suffixes' common prefix is then compared up to one past the limit:
 * a node deeper than that is of no interest and never moves where a shallower one of interest ends, so the
 * nodes of interest, their occurrences and their order are those of the full enumeration.
 *
 * ```ts
 * // "abab" + boundary, weights 1, limits [2, 1, 2, 1, 0]: nodes "ab" (2 occurrences), "b" (2)
 * ```
 */

/** The root and one entry per depth up to one past the largest limit (a Uint16). */
const STACK = 0x10000 + 2;

/**
 * Calls `node(offset, depth, occurrences)` for every internal node of the suffix tree with
 * 1 <= depth <= limit[offset]: `s.subarray(offset, offset + depth)` occurs `occurrences` times, counting each
 * suffix p as `weight[p]` occurrences (a text of distinct words stands for their repetitions). Nodes come in the
 * order their last suffix appears in `sa`, deeper first. `limit[p]` must stop before the text's end.
 */
export function forEachRepeat(
  s: Int32Array,
  sa: Int32Array,
  weight: Uint32Array,
  limit: Uint16Array,
  node: (offset: number, depth: number, occurrences: number) => void,
): void {
  const n = s.length;
  const stackLcp = new Int32Array(STACK);
  const stackLb = new Int32Array(STACK);
  /** The weight of the suffixes ranked before each open interval's first. */
  const stackBefore = new Float64Array(STACK);
  let top = 0; // stack[0] is the root (lcp 0)
  let before = 0; // the weight of the suffixes ranked before i
  for (let i = 1; i <= n; i++) {
    const lcp = i < n ? commonPrefix(s, sa[i - 1], sa[i], limit[sa[i]] + 1) : 0;
    const beforeLb = before;
    before += weight[sa[i - 1]];
    let lb = i - 1;
    let lbBefore = beforeLb;
    while (lcp < stackLcp[top]) {
      const depth = stackLcp[top];
      lb = stackLb[top];
      lbBefore = stackBefore[top];
      top--;
      if (depth <= limit[sa[lb]]) node(sa[lb], depth, before - lbBefore);
    }
    if (lcp > stackLcp[top]) {
      top++;
      stackLcp[top] = lcp;
      stackLb[top] = lb;
      stackBefore[top] = lbBefore;
    }
  }
}

/** The common prefix of the suffixes at a and b, up to `cap` (which stays within the text, see above). */
function commonPrefix(s: Int32Array, a: number, b: number, cap: number): number {
  let l = 0;
  while (l < cap && s[a + l] === s[b + l]) l++;
  return l;
}
