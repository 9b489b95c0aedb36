/**
 * Test oracle: reading ARPA text (what lmplz writes and `tokenlab lm export-arpa` writes) into per-order maps,
 * and into a `KneserNeyModel` to score with ./backoff-scoring.ts. Only tests read ARPA.
 */
import { BOS, EOS, UNK, linkSuffixes, type NGramTrie } from '../../src/lm/ngram-trie.js';
import type { Discount, KneserNeyModel } from '../../src/lm/kneser-ney.js';
import { findNGram } from './backoff-scoring.js';

export interface ArpaEntry {
  logProb: number;
  logBackoff: number;
}

/** Parses ARPA text into per-order maps from the space-joined n-gram to its values (backoff 0 when absent). */
export function parseArpa(text: string): { counts: number[]; ngrams: Map<string, ArpaEntry>[] } {
  const counts: number[] = [];
  const ngrams: Map<string, ArpaEntry>[] = [];
  let section = -1;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line === '\\data\\') {
      section = 0;
      continue;
    }
    if (line === '\\end\\') break;
    const head = /^\\(\d+)-grams:$/.exec(line);
    if (head) {
      section = Number(head[1]);
      ngrams[section - 1] ??= new Map();
      continue;
    }
    if (section === 0) {
      const m = /^ngram (\d+)=(\d+)$/.exec(line);
      if (m) counts[Number(m[1]) - 1] = Number(m[2]);
      continue;
    }
    if (section < 1) continue;
    const parts = line.split('\t');
    if (parts.length < 2) throw new Error(`bad ARPA line: ${line}`);
    ngrams[section - 1].set(parts[1], { logProb: Number(parts[0]), logBackoff: parts.length > 2 ? Number(parts[2]) : 0 });
  }
  return { counts, ngrams };
}

/**
 * Builds a model for scoring from ARPA text: the trie (counts 0, since ARPA does not keep them), log10
 * probabilities and backoffs. Word names other than `<unk>`, `<s>`, `</s>` must be token ids.
 * Discounts are unknown (NaN). Every n-gram's context and suffix must be in the file (as lmplz writes).
 */
export function importArpa(text: string): KneserNeyModel {
  const { counts, ngrams } = parseArpa(text);
  const N = counts.length;
  if (N < 1 || N > 8) throw new Error(`ARPA order ${N} is outside 1..8`);
  const uni = ngrams[0];
  const vocab: number[] = [-1, -1, -1];
  const index = new Map<string, number>([
    ['<unk>', UNK],
    ['<s>', BOS],
    ['</s>', EOS],
  ]);
  for (const name of uni.keys()) {
    if (index.has(name)) continue;
    const t = Number(name);
    if (!Number.isFinite(t)) throw new Error(`ARPA word ${name} is not a token id`);
    index.set(name, vocab.length);
    vocab.push(t);
  }
  const V = vocab.length;
  const trie: NGramTrie = { order: N, vocab: Float64Array.from(vocab), levels: [] };
  const logProb: Float64Array[] = [];
  const logBackoff: Float64Array[] = [];
  {
    const ids = new Uint32Array(V);
    for (let i = 0; i < V; i++) ids[i] = i;
    const p = new Float64Array(V).fill(-Infinity);
    const b = new Float64Array(V);
    for (const [name, e] of uni) {
      const w = index.get(name)!;
      p[w] = e.logProb;
      b[w] = e.logBackoff;
    }
    trie.levels.push({
      ctx: new Uint32Array(V),
      word: ids,
      count: new Uint32Array(V),
      first: ids.slice(),
      suffix: new Uint32Array(V),
      childStart: new Uint32Array(0),
    });
    logProb.push(p);
    logBackoff.push(b);
  }
  for (let l = 1; l < N; l++) {
    const prev = trie.levels[l - 1];
    const entries = [...ngrams[l]];
    const keys = new Float64Array(entries.length);
    const order = new Uint32Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const ws = entries[i][0].split(' ').map((s) => {
        const w = index.get(s);
        if (w === undefined) throw new Error(`ARPA word ${s} is not a unigram`);
        return w;
      });
      const c = findNGram(trie, ws.slice(0, -1));
      if (c < 0) throw new Error(`ARPA n-gram ${entries[i][0]} has no context entry`);
      keys[i] = c * V + ws[ws.length - 1];
      order[i] = i;
    }
    order.sort((a, b) => keys[a] - keys[b]);
    const u = entries.length;
    const ctx = new Uint32Array(u),
      word = new Uint32Array(u),
      first = new Uint32Array(u);
    const p = new Float64Array(u),
      b = new Float64Array(u);
    for (let j = 0; j < u; j++) {
      const i = order[j];
      const c = Math.floor(keys[i] / V);
      ctx[j] = c;
      word[j] = keys[i] - c * V;
      first[j] = prev.first[c];
      p[j] = entries[i][1].logProb;
      b[j] = entries[i][1].logBackoff;
    }
    const childStart = new Uint32Array(prev.word.length + 1);
    for (let j = 0; j < u; j++) childStart[ctx[j] + 1]++;
    for (let j = 0; j < prev.word.length; j++) childStart[j + 1] += childStart[j];
    prev.childStart = childStart;
    trie.levels.push({ ctx, word, count: new Uint32Array(u), first, suffix: new Uint32Array(u), childStart: new Uint32Array(0) });
    logProb.push(p);
    logBackoff.push(b);
  }
  linkSuffixes(trie);
  const nan: Discount = [NaN, NaN, NaN, NaN];
  return {
    trie,
    discounts: Array.from({ length: N }, () => [...nan] as Discount),
    usedFallback: new Array<boolean>(N).fill(false),
    logProb,
    logBackoff,
  };
}
