/**
 * Sampling token sequences from a LanguageModel, reproducibly: a seed fixes the output.
 *
 * With temperature 1 and no top-k or top-p, a token is drawn straight from the Kneser-Ney mixture: with
 * probability 1 - gamma(c) one of the longest context's children (in proportion to its discounted count),
 * else the same choice one context shorter, down to the unigrams and the uniform part. That visits only the
 * children of the contexts, not the whole vocabulary. Otherwise every word gets its probability raised to
 * 1 / temperature (see `tempered`), the words are cut to the top k and to the smallest top set holding top-p
 * of the mass (ties at a cut are kept), and the draw is among the words kept. Tokens never seen in training (lab mode) have the lowest probability, equal:
 * they are drawn as one block, kept by a cut only after every seen token, then one of them uniformly (top-k
 * keeps the block's first k' by id).
 */
import { BOS, EOS, UNK } from './ngram-trie.js';
import { discounted } from './kneser-ney.js';
import { START, type ContextState, type LanguageModel } from './model.js';
import { stateOfTokens, wordsAbove } from './query.js';

/** mulberry32: a small, fast 32-bit PRNG; the same seed gives the same sequence in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleOptions {
  /** Context token ids to continue (default `[START]`: a new sequence). */
  context?: ArrayLike<number>;
  /** Stop after this many tokens (default 100) unless `</s>` comes first. */
  maxTokens?: number;
  /** > 0; default 1. */
  temperature?: number;
  /** Keep the k most probable tokens (0, the default: all). */
  topK?: number;
  /** Keep the smallest top set with this share of the mass (default 1: all). */
  topP?: number;
  seed?: number;
}

export interface Sample {
  /** The sampled token ids (`</s>` not included). */
  tokens: number[];
  /** Whether `</s>` ended the sample (else the length did). */
  ended: boolean;
}

export function sample(model: LanguageModel, options: SampleOptions = {}): Sample {
  const { values: tokens, result: ended } = drain(sampling(model, options));
  return { tokens, ended };
}

/** Every value a generator yields, and what it returns. */
export function drain<T, R>(g: Generator<T, R>): { values: T[]; result: R } {
  const values: T[] = [];
  for (;;) {
    const next = g.next();
    if (next.done) return { values, result: next.value };
    values.push(next.value);
  }
}

/**
 * The same sample token by token, as each is drawn (the server streams them); returns whether `</s>` ended it.
 * Bad options throw at the first `next()`.
 */
export function* sampling(model: LanguageModel, options: SampleOptions = {}): Generator<number, boolean> {
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? 0;
  const topP = options.topP ?? 1;
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  if (!(Number.isInteger(topK) && topK >= 0)) throw new RangeError(`top-k must be a whole number, got ${topK}`);
  if (!(topP > 0 && topP <= 1)) throw new RangeError(`top-p must be in (0, 1], got ${topP}`);
  const random = seededRandom(options.seed ?? 0);
  const sampler = new Sampler(model, random, 1 / temperature);
  const state = stateOfTokens(model, options.context ?? [START]);
  const plain = temperature === 1 && topK === 0 && topP === 1;
  const max = options.maxTokens ?? 100;
  for (let n = 0; n < max; n++) {
    const w = plain ? sampler.fromMixture(state) : sampler.fromFiltered(state, topK, topP);
    if (w === EOS) return true;
    yield w === UNK ? model.unseenToken(Math.floor(random() * sampler.unseenKept)) : model.tokenOf(w);
    model.push(state, w);
  }
  return false;
}

class Sampler {
  /** How many unseen tokens the last draw could have meant (all of them unless top-k cut the block). */
  unseenKept: number;
  private unigramMass: Float64Array | null = null;
  private unigramPow: Float64Array | null = null;
  private weight: Float64Array | null = null;
  private allSeen: Int32Array | null = null;

  constructor(
    private readonly model: LanguageModel,
    private readonly random: () => number,
    private readonly invT: number,
  ) {
    this.unseenKept = model.unseenTokens;
  }

  /** A word drawn from the interpolated mixture, longest context first. */
  fromMixture(state: ContextState): number {
    const m = this.model;
    this.unseenKept = m.unseenTokens;
    for (let j = m.interpolationDepth(state); j >= 1; j--) {
      const c = state[j];
      const gamma = m.gammaOf(j, c);
      const r = this.random();
      if (r < gamma) continue;
      // the children's discounted counts sum to (1 - gamma) denominator: r - gamma is uniform below that share
      let target = (r - gamma) * m.denominatorOf(j, c);
      const a = m.childStart(j - 1, c);
      const b = m.childStart(j - 1, c + 1);
      const d = m.discounts[j];
      for (let i = a; i < b; i++) {
        target -= discounted(d, m.count(j, i));
        if (target < 0) return m.wordAt(j, i);
      }
      return m.wordAt(j, b - 1); // rounding left a sliver
    }
    return this.fromUnigrams();
  }

  private fromUnigrams(): number {
    const m = this.model;
    const gamma = m.gammaOf(0, 0);
    const r = this.random();
    if (r < gamma) {
      // uniform over the words: the unseen block first, then the seen words from `</s>` on (`<s>` skipped)
      const k = Math.floor(this.random() * m.uniformSize);
      return k < m.unseenTokens ? UNK : k - m.unseenTokens + EOS;
    }
    const mass = (this.unigramMass ??= cumulativeUnigramMass(m));
    const target = ((r - gamma) / (1 - gamma)) * mass[mass.length - 1];
    let lo = 0;
    let hi = mass.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (mass[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** A word drawn from the distribution after temperature, top-k and top-p. */
  fromFiltered(state: ContextState, topK: number, topP: number): number {
    const weight = this.tempered(state);
    weight[BOS] = 0;
    const { kept, unseen } =
      topK > 0 || topP < 1 ? this.cut(weight, topK, topP) : { kept: this.seenWords(), unseen: this.model.unseenTokens };
    this.unseenKept = unseen;
    let target = weight[UNK] * unseen;
    for (let i = 0; i < kept.length; i++) target += weight[kept[i]];
    target *= this.random();
    for (let i = 0; i < kept.length; i++) {
      target -= weight[kept[i]];
      if (target < 0) return kept[i];
    }
    return unseen > 0 ? UNK : kept[kept.length - 1]; // the unseen block is last; else rounding left a sliver
  }

  /**
   * P(w | state)^(1 / temperature) for every word, without a search. A child i of context c_j (level j) has
   * P = P(its n-gram) times the gammas of the longer contexts, unless it is a child of a longer one too, which
   * is why the levels are visited shortest first. Any other word has G P(w), G the product of all the gammas,
   * so its power is G^(1/T) P(w)^(1/T), the unigram's power computed once: only the contexts' children take a
   * power each.
   */
  private tempered(state: ContextState): Float64Array {
    const m = this.model;
    const invT = this.invT;
    const unigramPow = (this.unigramPow ??= unigramPowers(m, invT));
    const weight = (this.weight ??= new Float64Array(m.words));
    const depth = m.interpolationDepth(state);
    let g = 1;
    for (let j = 1; j <= depth; j++) g *= m.gammaOf(j, state[j]);
    const scale = invT === 1 ? g : g ** invT;
    for (let w = 0; w < weight.length; w++) weight[w] = scale * unigramPow[w];
    for (let j = 1; j <= depth; j++) {
      const b = m.childStart(j - 1, state[j] + 1);
      for (let i = m.childStart(j - 1, state[j]); i < b; i++) {
        let p = m.ngramProbability(j, i);
        for (let k = j + 1; k <= depth; k++) p *= m.gammaOf(k, state[k]);
        weight[m.wordAt(j, i)] = invT === 1 ? p : p ** invT;
      }
    }
    return weight;
  }

  /**
   * The seen words the top-k / top-p cut keeps (heaviest first; ties at the cut kept), and how many unseen
   * tokens stay in (only when every seen word did and there is room).
   */
  private cut(weight: Float64Array, topK: number, topP: number): { kept: Int32Array; unseen: number } {
    const unseen = this.model.unseenTokens;
    let total = weight[UNK] * unseen;
    let max = 0;
    for (let w = 0; w < weight.length; w++) {
      if (w === UNK) continue;
      total += weight[w];
      if (weight[w] > max) max = weight[w];
    }
    const limit = topK > 0 ? topK : Infinity;
    const goal = topP * total;
    // The cut nearly always falls among the few heaviest words: sort only the words above a floor, lowering it
    // until the cut is decided among them (at floor 0: every seen word).
    for (const floor of [max * 1e-3, max * 1e-6, 0]) {
      const heads = wordsAbove(weight, floor);
      let kept = 0;
      let mass = 0;
      while (kept < heads.length && kept < limit && mass < goal) mass += weight[heads[kept++]];
      const open = kept < limit && mass < goal;
      if (open && floor > 0) continue;
      const cut = kept > 0 ? weight[heads[kept - 1]] : Infinity;
      let withTies = kept;
      while (withTies < heads.length && weight[heads[withTies]] === cut) withTies++;
      return { kept: heads.subarray(0, withTies), unseen: open ? Math.min(unseen, limit - kept) : 0 };
    }
    throw new Error('internal: the last floor decides the cut');
  }

  /** Every word but `<s>` and `<unk>`. */
  private seenWords(): Int32Array {
    return (this.allSeen ??= Int32Array.from({ length: this.model.words - 2 }, (_, i) => i + EOS));
  }
}

/** The last P(w)^(1 / temperature) of the unigrams made for each model: a sample of a few tokens would
 * otherwise spend most of its time making them again. */
const lastUnigramPowers = new WeakMap<LanguageModel, { invT: number; pow: Float64Array }>();

function unigramPowers(m: LanguageModel, invT: number): Float64Array {
  const last = lastUnigramPowers.get(m);
  if (last?.invT === invT) return last.pow;
  const pow = m.distribution(m.emptyState()).map((p) => (invT === 1 ? p : p ** invT));
  lastUnigramPowers.set(m, { invT, pow });
  return pow;
}

function cumulativeUnigramMass(m: LanguageModel): Float64Array {
  const mass = new Float64Array(m.words);
  const d = m.discounts[0];
  let sum = 0;
  for (let w = 0; w < m.words; w++) mass[w] = sum += w === BOS ? 0 : discounted(d, m.count(0, w));
  return mass;
}
