/**
 * ARPA text export (`tokenlab lm export-arpa`): the Kneser-Ney estimate's log10 probability and backoff of
 * every n-gram, as lmplz writes them. (Reading ARPA is a test oracle: tests/oracles/arpa-reader.ts.)
 */
import { SPECIAL_NAMES, wordsOf, type NGramTrie } from './ngram-trie.js';
import { estimateKneserNey, type KneserNeyModel } from './kneser-ney.js';
import { trieOfModel, type LanguageModel } from './model.js';

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
      const name = wordsOf(trie, l, i)
        .map((w) => wordName(trie, w))
        .join(' ');
      const line = `${fmt(model.logProb[l][i])}\t${name}`;
      out.push(l + 1 < N ? `${line}\t${fmt(model.logBackoff[l][i])}` : line);
    }
  }
  out.push('', '\\end\\', '');
  return out.join('\n');
}

/**
 * ARPA text of a LanguageModel: the same probabilities (the estimate from the same counts). In lab mode
 * `<unk>` carries the probability of each token never seen, not of all of them together.
 */
export function modelToArpa(model: LanguageModel): string {
  return toArpa(estimateKneserNey(trieOfModel(model), { uniformSize: model.uniformSize }));
}
