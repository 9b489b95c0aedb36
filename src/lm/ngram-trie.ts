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
  return findWord(trie.levels[l].word, start[parent], start[parent + 1], word);
}

/** Index of `word` in the sorted words[a .. b - 1], or -1 (a child range: the trie's and the model's). */
export function findWord(words: Uint16Array | Uint32Array, a: number, b: number, word: number): number {
  let lo = a;
  let hi = b - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const w = words[mid];
    if (w === word) return mid;
    if (w < word) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
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

/** The token stream of the sequences as dense words, each wrapped in `<s>` .. `</s>`, and the vocabulary. */
interface WordStream {
  words: Uint32Array;
  /** Words since the start of the position's sequence (`<s>` is 0), capped at 255: an n-gram ending at p fits
   * inside its sequence when depth[p] >= n - 1. */
  depth: Uint8Array;
  /** word -> token id (-1 for the specials). */
  vocab: number[];
}

function wordStream(sequences: Iterable<ArrayLike<number>>): WordStream {
  const ids = new Map<number, number>();
  const vocab: number[] = [-1, -1, -1];
  let words = new Uint32Array(1 << 16);
  let depth = new Uint8Array(1 << 16);
  let n = 0;
  const room = (k: number) => {
    if (n + k <= words.length) return;
    const size = Math.max(2 * words.length, n + k);
    const w = new Uint32Array(size);
    w.set(words.subarray(0, n));
    const d = new Uint8Array(size);
    d.set(depth.subarray(0, n));
    words = w;
    depth = d;
  };
  for (const seq of sequences) {
    room(seq.length + 2);
    words[n] = BOS;
    depth[n++] = 0;
    for (let i = 0; i <= seq.length; i++) {
      let w = EOS;
      if (i < seq.length) {
        const t = seq[i];
        const known = ids.get(t);
        if (known === undefined) {
          w = vocab.length;
          ids.set(t, w);
          vocab.push(t);
        } else w = known;
      }
      words[n] = w;
      depth[n++] = Math.min(i + 1, 255);
    }
  }
  return { words: words.slice(0, n), depth: depth.slice(0, n), vocab };
}

/** Stable counting sort of `items` by key(item) in [0, keys), into `out`. */
function countingSort(items: Uint32Array, out: Uint32Array, keys: number, key: (item: number) => number): void {
  const start = new Uint32Array(keys + 1);
  for (let i = 0; i < items.length; i++) start[key(items[i]) + 1]++;
  for (let k = 0; k < keys; k++) start[k + 1] += start[k];
  for (let i = 0; i < items.length; i++) out[start[key(items[i])]++] = items[i];
}

/**
 * Counts the n-grams of orders 1..order in `sequences` (token ids), each wrapped in `<s>` .. `</s>`
 * (KenLM-compatible mode: lmplz's lines), and computes the adjusted counts.
 *
 * Order n is built from order n - 1: every position p where an n-gram ends has the key (index of the
 * (n-1)-gram ending at p - 1, word at p); two stable counting sorts (by word, then by context) put the
 * positions in trie order, so equal keys are adjacent and each position learns its n-gram's index without a
 * search. Linear in the tokens per order.
 */
export function countNGrams(sequences: Iterable<ArrayLike<number>>, order: number): NGramTrie {
  if (!Number.isInteger(order) || order < 1 || order > 8) throw new RangeError(`order must be 1..8, got ${order}`);
  const stream = wordStream(sequences);
  const levels = [unigramLevel(stream)];
  const counter = new OrderCounter(stream);
  for (let n = 2; n <= order; n++) levels.push(counter.next(levels[n - 2], n));
  const trie: NGramTrie = { order, vocab: Float64Array.from(stream.vocab), levels };
  linkSuffixes(trie);
  adjustCounts(levels);
  return trie;
}

/** Level 0: the unigrams indexed by word, with raw counts until `adjustCounts`. */
function unigramLevel({ words, vocab }: WordStream): TrieLevel {
  const V = vocab.length;
  const raw = new Uint32Array(V);
  // <s> is never predicted: its count stays 0 (lmplz gives it probability 1 apart from the estimate).
  for (let p = 0; p < words.length; p++) if (words[p] !== BOS) raw[words[p]]++;
  const index = Uint32Array.from({ length: V }, (_, i) => i);
  return {
    ctx: new Uint32Array(V),
    word: index,
    count: raw,
    first: index.slice(),
    suffix: new Uint32Array(V),
    childStart: new Uint32Array(0),
  };
}

/**
 * Builds order n from order n - 1. Its work arrays, each the size of the stream, are allocated once for all
 * orders (a fresh set per order was most of the counting's garbage).
 */
class OrderCounter {
  /** Index in the last level built of the n-gram ending at each position (meaningful where it fits). */
  private prevIdx: Uint32Array;
  private idx: Uint32Array;
  private readonly ends: Uint32Array;
  private readonly byWord: Uint32Array;
  private readonly sorted: Uint32Array;
  private readonly ctx: Uint32Array;
  private readonly word: Uint32Array;
  private readonly raw: Uint32Array;

  constructor(private readonly stream: WordStream) {
    const total = stream.words.length;
    this.prevIdx = Uint32Array.from(stream.words);
    [this.idx, this.ends, this.byWord, this.sorted, this.ctx, this.word, this.raw] = Array.from(
      { length: 7 },
      () => new Uint32Array(total),
    );
  }

  /** The level of order n (raw counts); fills `prev.childStart`. */
  next(prev: TrieLevel, n: number): TrieLevel {
    const { words, depth, vocab } = this.stream;
    const { ends, byWord, sorted, ctx, word, raw, idx } = this;
    let m = 0;
    for (let p = 0; p < words.length; p++) if (depth[p] >= n - 1) ends[m++] = p;
    const context = this.prevIdx;
    countingSort(ends.subarray(0, m), byWord, vocab.length, (p) => words[p]);
    countingSort(byWord.subarray(0, m), sorted, prev.word.length, (p) => context[p - 1]);
    raw.fill(0, 0, m);
    let u = -1;
    for (let i = 0; i < m; i++) {
      const p = sorted[i];
      const c = context[p - 1];
      const w = words[p];
      if (u < 0 || ctx[u] !== c || word[u] !== w) {
        u++;
        ctx[u] = c;
        word[u] = w;
      }
      raw[u]++;
      idx[p] = u;
    }
    const size = u + 1;
    const childStart = new Uint32Array(prev.word.length + 1);
    for (let i = 0; i < size; i++) childStart[ctx[i] + 1]++;
    for (let i = 0; i < prev.word.length; i++) childStart[i + 1] += childStart[i];
    prev.childStart = childStart;
    [this.prevIdx, this.idx] = [idx, context];
    const first = Uint32Array.from({ length: size }, (_, i) => prev.first[ctx[i]]);
    return {
      ctx: ctx.slice(0, size),
      word: word.slice(0, size),
      count: raw.slice(0, size),
      first,
      suffix: new Uint32Array(size),
      childStart: new Uint32Array(0),
    };
  }
}

/** Adjusted counts for lower orders: distinct left extensions, except n-grams starting with <s>. */
function adjustCounts(levels: TrieLevel[]): void {
  for (let l = levels.length - 2; l >= 0; l--) {
    const lev = levels[l];
    const adj = new Uint32Array(lev.word.length);
    const up = levels[l + 1];
    for (let i = 0; i < up.word.length; i++) adj[up.suffix[i]]++;
    for (let i = 0; i < lev.word.length; i++) if (l === 0 || lev.first[i] !== BOS) lev.count[i] = adj[i];
  }
}

/**
 * The token ids of a file of space-separated ids, one sequence a line (as in the KenLM fixtures). Every line
 * is a sequence (an empty line is `<s> </s>`); a final newline does not start another. Parsed character by
 * character: a 5-gram build spends less time here than splitting into strings would.
 */
export function parseIdLines(text: string): Uint32Array[] {
  const out: Uint32Array[] = [];
  let ids = new Uint32Array(256);
  let n = 0;
  let value = -1; // the id being read, -1 between ids
  let lineStart = 0;
  const bad = (i: number) =>
    new Error(`not a token id: ${text.slice(lineStart, text.indexOf('\n', i) < 0 ? undefined : text.indexOf('\n', i))}`);
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    if (c >= 48 && c <= 57) {
      value = value < 0 ? c - 48 : value * 10 + (c - 48);
      if (value > 0xffffffff) throw bad(i);
      continue;
    }
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) throw bad(i);
    if (value >= 0) {
      if (n === ids.length) ids = growTo(ids, 2 * n);
      ids[n++] = value;
      value = -1;
    }
    if (c === 10 && (i < text.length || i > lineStart)) {
      out.push(ids.slice(0, n));
      n = 0;
      lineStart = i + 1;
    }
  }
  return out;
}

function growTo(a: Uint32Array, size: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}
