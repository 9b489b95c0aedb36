/**
 * The n-gram language model as it is queried and stored: the forward trie of adjusted counts in compact typed
 * arrays (word, count, child range per n-gram), and the discounts. Probabilities are not stored: interpolated
 * Kneser-Ney is an exact function of the counts, so every probability is computed in double precision (that
 * of each n-gram in the trie equal to the estimate's, `estimateKneserNey`, bit for bit). On the first query each context gets its
 * denominator and gamma, each n-gram its suffix and probability (one pass over the n-grams; docs/lm.md).
 *
 * Two modes. `kenlm`: lmplz's vocabulary (the words seen, `<unk>` for the rest, the unigram interpolation
 * spread over V - 1 words). `lab`: the vocabulary is the tokenizer's whole vocabulary (`vocabularySize` ids)
 * plus `</s>`; no token is out of vocabulary: a token never seen gets the uniform share, which the dense word
 * `<unk>` holds for each of them (`unseenTokens` of them).
 *
 * Token-level names: token ids are >= 0; `START` (`<s>`), `END` (`</s>`) and `UNKNOWN` (`<unk>`) are negative.
 */
import { BOS, EOS, UNK, countNGrams, findWord, linkSuffixes, type NGramTrie, type TrieLevel } from './ngram-trie.js';
import { contextWeights, discounted, discountsOf, trieCounts, type CountSource, type Discount } from './kneser-ney.js';
import { CountArray, narrowest, type UintArray } from './packed.js';

export const START = -1;
export const END = -2;
export const UNKNOWN = -3;

export type ModelMode = 'kenlm' | 'lab';

export interface ModelInfo {
  mode: ModelMode;
  /** lab mode: the tokenizer's vocabulary size (ids 0 .. vocabularySize - 1). */
  vocabularySize?: number;
  /** The tokenizer the token ids come from (a name the registry lists, or a vocabulary file's path), when known. */
  tokenizer?: string;
  /** Where the counts came from (corpus name, sequences, tokens), for display. */
  source?: Record<string, string | number>;
}

/** One order of the trie. Level 0 (unigrams) is indexed by word and has no `word` array; the highest order
 * has no `childStart`. */
export interface PackedLevel {
  size: number;
  word: UintArray | null;
  count: CountArray;
  /** Length size + 1: children of entry i are childStart[i] .. childStart[i + 1] - 1 of the next level. */
  childStart: UintArray | null;
}

export interface ModelParts {
  order: number;
  info: ModelInfo;
  discounts: Discount[];
  /** Token id of each dense word from 3 on (0 `<unk>`, 1 `<s>`, 2 `</s>` have none). */
  tokens: Uint32Array;
  levels: PackedLevel[];
}

/** What the counts imply (see `LanguageModel.derived`). */
interface Derived {
  /** Per context level (0: the root): gamma and denominator of each context (see `contextWeights`). */
  gamma: Float64Array[];
  denom: Float64Array[];
  /** P(w) of every word; 1 for `<s>`, as lmplz writes it (it is never predicted). */
  unigram: Float64Array;
  /** Per level l >= 1: index in level l - 1 of each n-gram minus its first word. */
  suffix: Uint32Array[];
  /** Per level: P(last word | the others) of each n-gram (level 0: the unigrams). */
  prob: Float64Array[];
}

/** Where a sequence being scored stands: nodes[j] is the trie index (level j - 1) of its last j words, or -1
 * when they are not in the trie (j = 1 .. order - 1; nodes[0] is unused). */
export type ContextState = Int32Array;

export class LanguageModel implements CountSource {
  readonly order: number;
  readonly info: ModelInfo;
  readonly discounts: Discount[];
  readonly tokens: Uint32Array;
  readonly levels: PackedLevel[];
  /** Number of dense words (specials included). */
  readonly words: number;
  /** Words the unigram interpolation spreads over. */
  readonly uniformSize: number;
  /** Tokens the dense word `<unk>` stands for (1 in kenlm mode: `<unk>` itself). */
  readonly unseenTokens: number;
  private derivedCache: Derived | null = null;
  /** token id -> dense word (0, `<unk>`, for tokens never seen). */
  private readonly wordIndex: Uint32Array;
  private unseenIds: Uint32Array | null = null;

  constructor(parts: ModelParts) {
    this.order = parts.order;
    this.info = parts.info;
    this.discounts = parts.discounts;
    this.tokens = parts.tokens;
    this.levels = parts.levels;
    this.words = parts.levels[0].size;
    const V = this.words;
    if (parts.info.mode === 'lab') {
      const size = parts.info.vocabularySize;
      if (size === undefined || size < V - 3) throw new Error('lab mode needs the vocabulary size (at least the tokens seen)');
      this.uniformSize = size + 1;
    } else this.uniformSize = V - 1;
    this.unseenTokens = this.uniformSize - (V - 2);
    let maxToken = -1;
    for (const t of this.tokens) maxToken = Math.max(maxToken, t);
    this.wordIndex = new Uint32Array(Math.max(maxToken + 1, parts.info.vocabularySize ?? 0));
    for (let i = 0; i < this.tokens.length; i++) this.wordIndex[this.tokens[i]] = i + 3;
  }

  /** What the counts imply, derived on first use: a model only built and saved never needs it. */
  private get derived(): Derived {
    return (this.derivedCache ??= this.derive());
  }

  private derive(): Derived {
    const { gamma, denom } = contextWeights(this, this.discounts);
    const unigram = new Float64Array(this.words);
    const uniform = 1 / this.uniformSize;
    for (let w = 0; w < this.words; w++) unigram[w] = discounted(this.discounts[0], this.count(0, w)) / denom[0][0] + gamma[0][0] * uniform;
    unigram[BOS] = 1;
    return { gamma, denom, unigram, ...this.linkNGrams(gamma, denom, unigram) };
  }

  /**
   * Each n-gram's suffix and interpolated probability, level by level: the suffixes of context c's children
   * are children of c's suffix, so one search in a short range finds each. The probability is the estimate's
   * formula in the estimate's order of operations (so it is bit for bit the same).
   */
  private linkNGrams(gamma: Float64Array[], denom: Float64Array[], unigram: Float64Array): { suffix: Uint32Array[]; prob: Float64Array[] } {
    const levels = this.levels;
    const suffix = [new Uint32Array(0)];
    const prob = [unigram];
    for (let l = 1; l < this.order; l++) {
      const size = levels[l].size;
      const up = new Uint32Array(size);
      const p = new Float64Array(size);
      const words = levels[l].word!;
      const starts = levels[l - 1].childStart!;
      const d = this.discounts[l];
      for (let c = 0; c < levels[l - 1].size; c++) {
        const a = starts[c];
        const b = starts[c + 1];
        const cs = l >= 2 ? suffix[l - 1][c] : 0;
        // c's children and its suffix's are both sorted by word: each search starts past the last one found
        let sa = l >= 2 ? levels[l - 2].childStart![cs] : 0;
        const sb = l >= 2 ? levels[l - 2].childStart![cs + 1] : 0;
        for (let i = a; i < b; i++) {
          const s = l === 1 ? words[i] : findWord(levels[l - 1].word!, sa, sb, words[i]);
          if (s < 0) throw new Error(`n-gram ${i} of order ${l + 1} has no suffix n-gram`);
          sa = s + 1;
          up[i] = s;
          p[i] = discounted(d, levels[l].count.get(i)) / denom[l][c] + gamma[l][c] * prob[l - 1][s];
        }
      }
      suffix.push(up);
      prob.push(p);
    }
    return { suffix, prob };
  }

  levelSize(l: number): number {
    return this.levels[l].size;
  }

  count(l: number, i: number): number {
    return this.levels[l].count.get(i);
  }

  childStart(l: number, i: number): number {
    return this.levels[l].childStart![i];
  }

  /** gamma of context c (an entry of level j - 1; j = 0: the root): the weight of the shorter context. */
  gammaOf(j: number, c: number): number {
    return this.derived.gamma[j][c];
  }

  /** The sum of the adjusted counts of context c's children (j as in `gammaOf`). */
  denominatorOf(j: number, c: number): number {
    return this.derived.denom[j][c];
  }

  /** P(last word | the others) of entry i of level l: its interpolated probability. */
  ngramProbability(l: number, i: number): number {
    return this.derived.prob[l][i];
  }

  /** Number of n-grams of each order. */
  get ngramCounts(): number[] {
    return this.levels.map((l) => l.size);
  }

  /** The dense word of a token id (`START`, `END` and `UNKNOWN` included); in lab mode a token outside the
   * vocabulary is a RangeError. */
  wordOf(token: number): number {
    if (token === START) return BOS;
    if (token === END) return EOS;
    if (token === UNKNOWN) return UNK;
    if (this.info.mode === 'lab' && !(Number.isInteger(token) && token >= 0 && token < this.info.vocabularySize!)) {
      throw new RangeError(`token ${token} is outside the vocabulary (ids 0 .. ${this.info.vocabularySize! - 1})`);
    }
    return token >= 0 && token < this.wordIndex.length ? this.wordIndex[token] : UNK;
  }

  tokenOf(word: number): number {
    if (word === UNK) return UNKNOWN;
    if (word === BOS) return START;
    if (word === EOS) return END;
    return this.tokens[word - 3];
  }

  /** The k-th (by id) of the tokens never seen in training; `UNKNOWN` in kenlm mode. */
  unseenToken(k: number): number {
    if (this.info.mode === 'kenlm') return UNKNOWN;
    if (this.unseenIds === null) {
      this.unseenIds = new Uint32Array(this.unseenTokens);
      let n = 0;
      for (let t = 0; n < this.unseenTokens; t++) if (t >= this.wordIndex.length || this.wordIndex[t] === UNK) this.unseenIds[n++] = t;
    }
    return this.unseenIds[k];
  }

  /** The state before any word: every probability is the unigram's until words are pushed. */
  emptyState(): ContextState {
    return new Int32Array(Math.max(this.order, 1)).fill(-1);
  }

  /** The state at the start of a sequence (after `<s>`). */
  startState(): ContextState {
    const s = this.emptyState();
    this.push(s, BOS);
    return s;
  }

  /** The state after the words (dense) `words`, from an empty context. */
  stateOf(words: ArrayLike<number>): ContextState {
    const s = this.emptyState();
    for (let i = 0; i < words.length; i++) this.push(s, words[i]);
    return s;
  }

  /** P(word | state). */
  prob(state: ContextState, word: number): number {
    return this.step(state, word, null);
  }

  /** P(word | state), then moves `state` past `word`. */
  push(state: ContextState, word: number): number {
    return this.step(state, word, state);
  }

  /** How many contexts (the last 1, 2, .. words) interpolate: those in the trie with children, from the shortest up. */
  interpolationDepth(state: ContextState): number {
    let j = 0;
    while (j + 1 < this.order && state[j + 1] >= 0 && this.childStart(j, state[j + 1]) < this.childStart(j, state[j + 1] + 1)) j++;
    return j;
  }

  /** How many of the last words of the state's context the longest n-gram in the trie covers. */
  matchedLength(state: ContextState): number {
    let j = 0;
    while (j + 1 < this.order && state[j + 1] >= 0) j++;
    return j;
  }

  /** The order of the longest n-gram in the trie that ends with `word` after the state's context (1: unigram). */
  ngramOrder(state: ContextState, word: number): number {
    let j = 1;
    for (; j < this.order; j++) {
      const c = state[j];
      if (c < 0) break;
      const starts = this.levels[j - 1].childStart!;
      if (findWord(this.levels[j].word!, starts[c], starts[c + 1], word) < 0) break;
    }
    return j;
  }

  /**
   * P(word | state) by the longest n-gram (c_m, word) in the trie: its probability (interpolated when the
   * model was derived), times gamma(c_j) for each longer context c_j that interpolates; equal, bit for bit, to
   * interpolating from the unigram up (p_j = u_j + gamma(c_j) p_(j-1), u_j = 0 where c_j word is absent).
   * The next state is (c_j, word) for j <= m: the entry found, then its suffixes, with no other search.
   */
  private step(state: ContextState, word: number, next: ContextState | null): number {
    const N = this.order;
    const { gamma, unigram, prob, suffix } = this.derived;
    const h = this.interpolationDepth(state);
    let m = h;
    let e = -1;
    for (; m >= 1; m--) {
      const starts = this.levels[m - 1].childStart!;
      const c = state[m];
      e = findWord(this.levels[m].word!, starts[c], starts[c + 1], word);
      if (e >= 0) break;
    }
    let p = m === 0 ? unigram[word] : prob[m][e];
    for (let j = m + 1; j <= h; j++) p = gamma[j][state[j]] * p;
    if (next !== null) {
      for (let j = N - 1; j > m + 1; j--) next[j] = -1;
      let node = m === 0 ? word : e; // an entry of level j: the last j + 1 words after `word`
      for (let j = m; j >= 1; j--) {
        if (j + 1 < N) next[j + 1] = node;
        node = suffix[j][node];
      }
      next[1] = word;
    }
    return p;
  }

  /** P(w | state) for every dense word w (0 for `<s>`); in lab mode entry `<unk>` is each unseen token's. */
  distribution(state: ContextState): Float64Array {
    const { gamma, denom, unigram } = this.derived;
    const dist = unigram.slice();
    dist[BOS] = 0;
    for (let j = 1; j < this.order; j++) {
      const c = state[j];
      if (c < 0) break;
      const a = this.childStart(j - 1, c);
      const b = this.childStart(j - 1, c + 1);
      if (a === b) break;
      const g = gamma[j][c];
      for (let w = 0; w < dist.length; w++) dist[w] *= g;
      const level = this.levels[j];
      const d = this.discounts[j];
      const den = denom[j][c];
      for (let i = a; i < b; i++) dist[level.word![i]] += discounted(d, level.count.get(i)) / den;
    }
    return dist;
  }

  /** Index in level words.length - 1 of the n-gram `words` (dense), or -1. */
  find(words: ArrayLike<number>): number {
    if (words.length === 0 || words.length > this.order || words[0] >= this.words) return -1;
    let node = words[0];
    for (let l = 1; l < words.length && node >= 0; l++) {
      const starts = this.levels[l - 1].childStart!;
      node = findWord(this.levels[l].word!, starts[node], starts[node + 1], words[l]);
    }
    return node;
  }

  /** The last word of entry i of level l. */
  wordAt(l: number, i: number): number {
    return l === 0 ? i : this.levels[l].word![i];
  }

  /** The words (dense) of entry i of level l, read back through the child ranges. */
  ngramAt(l: number, i: number): number[] {
    const words = [this.wordAt(l, i)];
    for (let k = l - 1; k >= 0; k--) {
      i = this.parentOf(k, i);
      words.unshift(this.wordAt(k, i));
    }
    return words;
  }

  /** The entry of level k whose child range holds entry i of level k + 1. */
  private parentOf(k: number, i: number): number {
    const starts = this.levels[k].childStart!;
    let lo = 0;
    let hi = this.levels[k].size - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** The model of a counted trie: its arrays narrowed, discounts by the closed form (or lmplz's fallback). */
export function modelOfTrie(trie: NGramTrie, info: ModelInfo): LanguageModel {
  const N = trie.order;
  const levels: PackedLevel[] = trie.levels.map((lev, l) => ({
    size: lev.word.length,
    word: l === 0 ? null : narrowest(lev.word, trie.levels[0].word.length - 1),
    count: CountArray.pack(lev.count),
    childStart: l + 1 < N ? narrowest(lev.childStart, trie.levels[l + 1].word.length) : null,
  }));
  const tokens = Uint32Array.from(trie.vocab.subarray(3));
  const { discounts } = discountsOf(trieCounts(trie));
  return new LanguageModel({ order: N, info, discounts, tokens, levels });
}

/** The counting trie again, unpacked (for ARPA export and the estimate). */
export function trieOfModel(model: LanguageModel): NGramTrie {
  const levels: TrieLevel[] = [];
  for (let l = 0; l < model.order; l++) {
    const size = model.levelSize(l);
    const word = Uint32Array.from({ length: size }, (_, i) => model.wordAt(l, i));
    const ctx = new Uint32Array(size);
    if (l > 0) for (let p = 0; p < model.levelSize(l - 1); p++) ctx.fill(p, model.childStart(l - 1, p), model.childStart(l - 1, p + 1));
    levels.push({
      ctx,
      word,
      count: Uint32Array.from({ length: size }, (_, i) => model.count(l, i)),
      first: l === 0 ? word.slice() : ctx.map((c) => levels[l - 1].first[c]),
      suffix: new Uint32Array(size),
      childStart: l + 1 < model.order ? Uint32Array.from({ length: size + 1 }, (_, i) => model.childStart(l, i)) : new Uint32Array(0),
    });
  }
  const trie: NGramTrie = { order: model.order, vocab: Float64Array.from([-1, -1, -1, ...model.tokens]), levels };
  linkSuffixes(trie);
  return trie;
}

export interface BuildOptions {
  order: number;
  /** Lab mode: the tokenizer's vocabulary size; every token id must be below it. Absent: kenlm mode. */
  vocabularySize?: number;
  tokenizer?: string;
  source?: Record<string, string | number>;
}

/** Counts `sequences` (token ids; each is `<s>` .. `</s>`) and makes the model. */
export function buildModel(sequences: Iterable<ArrayLike<number>>, options: BuildOptions): LanguageModel {
  const size = options.vocabularySize;
  const checked = size === undefined ? sequences : checkIds(sequences, size);
  const info: ModelInfo = { mode: size === undefined ? 'kenlm' : 'lab' };
  if (size !== undefined) info.vocabularySize = size;
  if (options.tokenizer !== undefined) info.tokenizer = options.tokenizer;
  if (options.source !== undefined) info.source = options.source;
  return modelOfTrie(countNGrams(checked, options.order), info);
}

function* checkIds(sequences: Iterable<ArrayLike<number>>, size: number): Iterable<ArrayLike<number>> {
  for (const seq of sequences) {
    for (let i = 0; i < seq.length; i++) {
      const t = seq[i];
      if (!(Number.isInteger(t) && t >= 0 && t < size)) throw new RangeError(`token ${t} is outside the vocabulary (ids 0 .. ${size - 1})`);
    }
    yield seq;
  }
}
