/**
 * The frequent substrings of a text, as SentencePiece finds its seed pieces (esaxx): the internal nodes of
 * the suffix tree, i.e. the substrings that occur at least twice and are followed by at least two different
 * characters, each with its number of occurrences. Here only nodes up to `maxDepth` characters are needed, so
 * suffixes are sorted by their first 2·maxDepth characters (prefix doubling over typed arrays), which leaves
 * every node of depth up to maxDepth exact.
 *
 * ```ts
 * // "abab" + boundary: nodes "ab" (2 occurrences), "b" (2)
 * ```
 */

/** The suffix array of `s` (values from 0 to alphabet - 1), sorted by each suffix's first `prefix` symbols. */
export function suffixArray(s: Int32Array, alphabet: number, prefix: number): Int32Array {
  const n = s.length;
  let rank = Int32Array.from(s);
  let sa = countingSort(
    Int32Array.from({ length: n }, (_, i) => i),
    rank,
    Math.max(alphabet, n + 1),
  );
  const order = new Int32Array(n);
  for (let k = 1; k < prefix; k *= 2) {
    let p = 0;
    for (let i = n - k; i < n; i++) order[p++] = i;
    for (let j = 0; j < n; j++) if (sa[j] >= k) order[p++] = sa[j] - k;
    sa = countingSort(order, rank, Math.max(alphabet, n + 1));
    const next = new Int32Array(n);
    let r = 0;
    for (let j = 1; j < n; j++) {
      const a = sa[j - 1];
      const b = sa[j];
      const ak = a + k < n ? rank[a + k] : -1;
      const bk = b + k < n ? rank[b + k] : -1;
      if (rank[a] !== rank[b] || ak !== bk) r++;
      next[b] = r;
    }
    rank = next;
    if (r === n - 1) break;
  }
  return sa;
}

/** `items` sorted stably by key[item] (keys below `range`). */
function countingSort(items: Int32Array, key: Int32Array, range: number): Int32Array {
  const count = new Int32Array(range + 1);
  for (let i = 0; i < items.length; i++) count[key[items[i]] + 1]++;
  for (let r = 0; r < range; r++) count[r + 1] += count[r];
  const out = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) out[count[key[items[i]]]++] = items[i];
  return out;
}

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
  const cap = 2 * maxDepth;
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
