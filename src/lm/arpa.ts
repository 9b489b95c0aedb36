/**
 * ARPA text format: export of a Kneser-Ney model, and a parser (n-gram -> log10 probability and backoff).
 */
import { SPECIAL_NAMES, wordsOf, type NGramTrie } from './ngram-trie.js';
import type { KneserNeyModel } from './kneser-ney.js';

export function wordName(trie: NGramTrie, w: number): string {
  return w < 3 ? SPECIAL_NAMES[w] : String(trie.vocab[w]);
}

function fmt(x: number): string {
  return String(Math.fround(x));
}

/** ARPA text of the model (log10 values in single precision, like lmplz). */
export function toArpa(model: KneserNeyModel): string {
  const { trie } = model;
  const N = trie.order;
  const out: string[] = ['\\data\\'];
  for (let l = 0; l < N; l++) out.push(`ngram ${l + 1}=${trie.levels[l].word.length}`);
  for (let l = 0; l < N; l++) {
    out.push('', `\\${l + 1}-grams:`);
    const size = trie.levels[l].word.length;
    for (let i = 0; i < size; i++) {
      const name = wordsOf(trie, l, i).map((w) => wordName(trie, w)).join(' ');
      const line = `${fmt(model.logProb[l][i])}\t${name}`;
      out.push(l + 1 < N ? `${line}\t${fmt(model.logBackoff[l][i])}` : line);
    }
  }
  out.push('', '\\end\\', '');
  return out.join('\n');
}

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
    if (line === '\\data\\') { section = 0; continue; }
    if (line === '\\end\\') break;
    const head = /^\\(\d+)-grams:$/.exec(line);
    if (head) { section = Number(head[1]); ngrams[section - 1] ??= new Map(); continue; }
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
