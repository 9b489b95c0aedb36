/**
 * The suffix array of an integer text by SA-IS (Nong, Zhang and Chan, "Linear Suffix Array Construction by Almost
 * Pure Induced Sorting", 2009), in the shape of Yuta Mori's sais-lite: classify suffixes as S or L, sort the LMS
 * substrings by one induced pass, name them, sort the reduced text (recursively when names repeat), and induce the
 * whole order from the sorted LMS suffixes. Linear time; the text's end is a virtual sentinel smaller than every
 * symbol, so no symbol is reserved for it. Memory: the text and the array (4 bytes each per symbol), a type byte
 * per symbol and two buckets per alphabet symbol; each level of recursion at most halves the text.
 */

const EMPTY = -1;

/**
 * The start positions of the suffixes of `text` in lexicographic order (a shorter suffix before its extensions).
 * Every symbol must lie in [0, alphabetSize).
 *
 *   suffixArray(Int32Array.from([2, 1, 2, 1, 0]), 3) -> [4, 3, 1, 2, 0]   ("0" < "10" < "1210" < "210" < "21210")
 */
export function suffixArray(text: Int32Array, alphabetSize: number): Int32Array {
  const sa = new Int32Array(text.length);
  sais(text, sa, text.length, alphabetSize);
  return sa;
}

function sais(text: Int32Array, sa: Int32Array, n: number, k: number): void {
  if (n === 0) return;
  if (n === 1) {
    sa[0] = 0;
    return;
  }
  const sType = suffixTypes(text, n);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[text[i]]++;
  const bucket = new Int32Array(k);

  // Stage 1: LMS positions at the ends of their buckets, in text order; one induced sort orders the LMS substrings.
  sa.fill(EMPTY);
  bucketEnds(counts, bucket);
  for (let i = n - 1; i > 0; i--) if (isLms(sType, i)) sa[--bucket[text[i]]] = i;
  induce(text, sa, n, sType, counts, bucket);

  // Stage 2: the sorted LMS substrings, named; the reduced text holds the names in text order.
  let lmsCount = 0;
  for (let i = 0; i < n; i++) if (isLms(sType, sa[i])) sa[lmsCount++] = sa[i];
  const names = nameLmsSubstrings(text, sa, n, lmsCount, sType);
  const reduced = sa.subarray(n - lmsCount, n);
  const reducedSa = sa.subarray(0, lmsCount);
  for (let i = n - 1, j = n - 1; i >= lmsCount; i--) if (sa[i] !== EMPTY) sa[j--] = sa[i];

  // Stage 3: the order of the LMS suffixes, recursively while names repeat.
  if (names < lmsCount) sais(reduced, reducedSa, lmsCount, names);
  else for (let i = 0; i < lmsCount; i++) reducedSa[reduced[i]] = i;
  for (let i = 1, j = 0; i < n; i++) if (isLms(sType, i)) reduced[j++] = i;
  for (let i = 0; i < lmsCount; i++) reducedSa[i] = reduced[reducedSa[i]];
  sa.fill(EMPTY, lmsCount, n);
  bucketEnds(counts, bucket);
  for (let i = lmsCount - 1; i >= 0; i--) {
    const p = sa[i];
    sa[i] = EMPTY;
    sa[--bucket[text[p]]] = p;
  }
  induce(text, sa, n, sType, counts, bucket);
}

/** 1 where the suffix is S-type (smaller than the next suffix), 0 for L-type; the last suffix is L (the sentinel). */
function suffixTypes(text: Int32Array, n: number): Uint8Array {
  const sType = new Uint8Array(n);
  for (let i = n - 2; i >= 0; i--) {
    sType[i] = text[i] < text[i + 1] || (text[i] === text[i + 1] && sType[i + 1] === 1) ? 1 : 0;
  }
  return sType;
}

/** Leftmost S: an S-type suffix after an L-type one. */
function isLms(sType: Uint8Array, i: number): boolean {
  return i > 0 && sType[i] === 1 && sType[i - 1] === 0;
}

function bucketStarts(counts: Int32Array, bucket: Int32Array): void {
  let sum = 0;
  for (let c = 0; c < counts.length; c++) {
    bucket[c] = sum;
    sum += counts[c];
  }
}

function bucketEnds(counts: Int32Array, bucket: Int32Array): void {
  let sum = 0;
  for (let c = 0; c < counts.length; c++) {
    sum += counts[c];
    bucket[c] = sum;
  }
}

/** From the LMS suffixes in place: the L-type suffixes left to right, then the S-type ones right to left. */
function induce(text: Int32Array, sa: Int32Array, n: number, sType: Uint8Array, counts: Int32Array, bucket: Int32Array): void {
  bucketStarts(counts, bucket);
  sa[bucket[text[n - 1]]++] = n - 1; // induced by the sentinel
  for (let i = 0; i < n; i++) {
    const j = sa[i] - 1;
    if (j >= 0 && sType[j] === 0) sa[bucket[text[j]]++] = j;
  }
  bucketEnds(counts, bucket);
  for (let i = n - 1; i >= 0; i--) {
    const j = sa[i] - 1;
    if (j >= 0 && sType[j] === 1) sa[--bucket[text[j]]] = j;
  }
}

/**
 * Names the sorted LMS substrings in sa[0, lmsCount) (equal substrings share a name) and writes each name at
 * sa[lmsCount + position / 2] (LMS positions are at least 2 apart, so these slots are distinct). Returns how many
 * names there are.
 */
function nameLmsSubstrings(text: Int32Array, sa: Int32Array, n: number, lmsCount: number, sType: Uint8Array): number {
  sa.fill(EMPTY, lmsCount, n);
  let names = 0;
  let prev = -1;
  for (let i = 0; i < lmsCount; i++) {
    const pos = sa[i];
    if (prev === -1 || !sameLmsSubstring(text, n, sType, pos, prev)) {
      names++;
      prev = pos;
    }
    sa[lmsCount + (pos >> 1)] = names - 1;
  }
  return names;
}

/** Whether the LMS substrings at a and b (up to and including the next LMS position) are equal in symbols and types. */
function sameLmsSubstring(text: Int32Array, n: number, sType: Uint8Array, a: number, b: number): boolean {
  for (let d = 0; ; d++) {
    // the sentinel is unique: a substring that reaches it equals no other
    if (a + d === n || b + d === n) return false;
    if (text[a + d] !== text[b + d] || sType[a + d] !== sType[b + d]) return false;
    if (d > 0 && (isLms(sType, a + d) || isLms(sType, b + d))) return isLms(sType, a + d) && isLms(sType, b + d);
  }
}
