/**
 * Counting n-grams of token-id sequences into a forward trie stored in typed arrays.
 *
 * Words are dense indices: 0 `<unk>`, 1 `<s>`, 2 `</s>`, then the tokens in order of first appearance
 * (`vocab[word]` is the token id; -1 for the three specials). Level `l` holds the n-grams of order l + 1,
 * sorted by (context index in level l - 1, word); level 0 is the unigrams, indexed by word. The children of
 * entry i of level l are entries childStart[l][i] .. childStart[l][i + 1] - 1 of level l + 1.
 * No object or Map per node: one Map for the vocabulary while counting, typed arrays otherwise.
 */

export const UNK = 0;
export const BOS = 1;
export const EOS = 2;
export const SPECIAL_NAMES = ['<unk>', '<s>', '</s>'] as const;

export interface TrieLevel {
  /** Index of the context (the n-gram minus its last word) in the previous level; 0 for unigrams. */
  ctx: Uint32Array;
  /** Last word of the n-gram. */
  word: Uint32Array;
  /** Adjusted (Kneser-Ney) count: raw count for the highest order and for n-grams starting with `<s>`,
   * otherwise the number of distinct words seen before it (so 0 for the unigrams `<s>` and `<unk>`). */
  count: Uint32Array;
  /** First word of the n-gram (tells which lower-order n-grams start with `<s>`). */
  first: Uint32Array;
  /** Index of the n-gram minus its first word in the previous level (unigrams: 0). */
  suffix: Uint32Array;
  /** Children ranges into the next level (length size + 1); empty for the highest order. */
  childStart: Uint32Array;
}

export interface NGramTrie {
  order: number;
  /** word index -> token id (-1 for `<unk>`, `<s>`, `</s>`). */
  vocab: Float64Array;
  levels: TrieLevel[];
}

/** Index of `word` among the children of entry `parent` of level `l - 1` (level `l` >= 1), or -1. */
export function findChild(trie: NGramTrie, l: number, parent: number, word: number): number {
  const start = trie.levels[l - 1].childStart;
  const words = trie.levels[l].word;
  let lo = start[parent];
  let hi = start[parent + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const w = words[mid];
    if (w === word) return mid;
    if (w < word) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
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

/** The words of entry `index` of level `l`. */
export function wordsOf(trie: NGramTrie, l: number, index: number): number[] {
  const out = new Array<number>(l + 1);
  for (let k = l; k >= 0; k--) {
    out[k] = trie.levels[k].word[index];
    index = trie.levels[k].ctx[index];
  }
  return out;
}

/**
 * Fills every level's `suffix`: suffix(ctx, w) = child(suffix(ctx), w); for bigrams the unigram w. Throws when
 * an n-gram's suffix is missing (every trie counted from text, and every ARPA file lmplz writes, has them).
 */
export function linkSuffixes(trie: NGramTrie): void {
  const levels = trie.levels;
  for (let l = 1; l < trie.order; l++) {
    const lev = levels[l];
    for (let i = 0; i < lev.word.length; i++) {
      const s = l === 1 ? lev.word[i] : findChild(trie, l - 1, levels[l - 1].suffix[lev.ctx[i]], lev.word[i]);
      if (s < 0) throw new Error(`the n-gram ${wordsOf(trie, l, i).join(' ')} has no suffix n-gram`);
      lev.suffix[i] = s;
    }
  }
}

function lowerBound(keys: Float64Array, n: number, key: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Counts the n-grams of orders 1..order in `sequences` (token ids), each wrapped in `<s>` .. `</s>`
 * (KenLM-compatible mode: lmplz's lines), and computes the adjusted counts.
 */
export function countNGrams(sequences: Iterable<ArrayLike<number>>, order: number): NGramTrie {
  if (!Number.isInteger(order) || order < 1 || order > 8) throw new RangeError(`order must be 1..8, got ${order}`);
  const ids = new Map<number, number>();
  const vocabList: number[] = [-1, -1, -1];
  const stream: number[] = [];
  const sentStart: number[] = [];
  for (const seq of sequences) {
    sentStart.push(stream.length);
    stream.push(BOS);
    for (let i = 0; i < seq.length; i++) {
      const t = seq[i];
      let w = ids.get(t);
      if (w === undefined) {
        w = vocabList.length;
        ids.set(t, w);
        vocabList.push(t);
      }
      stream.push(w);
    }
    stream.push(EOS);
  }
  const total = stream.length;
  const words = Uint32Array.from(stream);
  // Position p belongs to the sentence starting at start[p].
  const start = new Uint32Array(total);
  for (let s = 0; s < sentStart.length; s++) {
    const end = s + 1 < sentStart.length ? sentStart[s + 1] : total;
    start.fill(sentStart[s], sentStart[s], end);
  }
  const V = vocabList.length;

  // Level 0: unigrams indexed by word; raw counts until the adjusted counts replace them.
  const levels: TrieLevel[] = [];
  const uniRaw = new Uint32Array(V);
  // <s> is never predicted: its count stays 0 (lmplz gives it probability 1 apart from the estimate).
  for (let p = 0; p < total; p++) if (words[p] !== BOS) uniRaw[words[p]]++;
  const uniIdx = new Uint32Array(V);
  for (let i = 0; i < V; i++) uniIdx[i] = i;
  levels.push({
    ctx: new Uint32Array(V), word: uniIdx, count: uniRaw, first: uniIdx.slice(), suffix: new Uint32Array(V),
    childStart: new Uint32Array(0),
  });

  // Index (in the previous level) of the n-gram ending at each position; -1 where it does not fit.
  let prevIdx = new Int32Array(total);
  for (let p = 0; p < total; p++) prevIdx[p] = words[p];
  for (let n = 2; n <= order; n++) {
    const prev = levels[n - 2];
    const keys = new Float64Array(total);
    let m = 0;
    for (let p = 1; p < total; p++) {
      if (p - n + 1 < start[p]) continue;
      const c = prevIdx[p - 1];
      keys[m++] = c * V + words[p];
    }
    const sorted = keys.subarray(0, m).sort();
    // unique with counts
    let u = 0;
    const raw: number[] = [];
    for (let i = 0; i < m; i++) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) {
        sorted[u++] = sorted[i];
        raw.push(1);
      } else raw[raw.length - 1]++;
    }
    const ctx = new Uint32Array(u);
    const word = new Uint32Array(u);
    const first = new Uint32Array(u);
    for (let i = 0; i < u; i++) {
      const k = sorted[i];
      const c = Math.floor(k / V);
      ctx[i] = c;
      word[i] = k - c * V;
      first[i] = prev.first[c];
    }
    const childStart = new Uint32Array(prev.word.length + 1);
    for (let i = 0; i < u; i++) childStart[ctx[i] + 1]++;
    for (let i = 0; i < prev.word.length; i++) childStart[i + 1] += childStart[i];
    prev.childStart = childStart;
    const idx = new Int32Array(total).fill(-1);
    for (let p = 1; p < total; p++) {
      if (p - n + 1 < start[p]) continue;
      idx[p] = lowerBound(sorted, u, prevIdx[p - 1] * V + words[p]);
    }
    prevIdx = idx;
    levels.push({ ctx, word, count: Uint32Array.from(raw), first, suffix: new Uint32Array(u), childStart: new Uint32Array(0) });
  }
  const trie: NGramTrie = { order, vocab: Float64Array.from(vocabList), levels };
  linkSuffixes(trie);
  // Adjusted counts for lower orders: distinct left extensions, except n-grams starting with <s>.
  for (let l = order - 2; l >= 0; l--) {
    const lev = levels[l];
    const adj = new Uint32Array(lev.word.length);
    const up = levels[l + 1];
    for (let i = 0; i < up.word.length; i++) adj[up.suffix[i]]++;
    for (let i = 0; i < lev.word.length; i++) if (l === 0 || lev.first[i] !== BOS) lev.count[i] = adj[i];
  }
  return trie;
}

/** The token ids of a file of space-separated ids, one sequence a line (as in the KenLM fixtures). */
export function parseIdLines(text: string): Uint32Array[] {
  // Every line is a sequence (an empty line is `<s> </s>`); a final newline does not start another.
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => {
    const t = line.trim();
    if (t === '') return new Uint32Array(0);
    const ids = t.split(/\s+/).map(Number);
    for (const x of ids) if (!Number.isInteger(x) || x < 0) throw new Error(`not a token id: ${line}`);
    return Uint32Array.from(ids);
  });
}
