/**
 * The training text as SentencePiece's unigram trainer first reads it: the required characters (the most
 * frequent ones covering `characterCoverage` of all characters; the rest become UNKNOWN_CHAR), the words EM
 * runs on (each sentence cut before every space, counted), and the seed pieces
 * (Trainer::MakeSeedSentencePieces): every character, then the `seedSize` valid substrings of the suffix
 * tree's internal nodes with the highest occurrences × length, all as log-probabilities of those counts.
 *
 * A valid piece never crosses a word (it holds a space only at its start), so the suffix tree is built over the
 * distinct words rather than the sentences, each word once per follower (a space, or the sentence's end) and
 * weighted by how often it occurs so: the same nodes with the same occurrences, in the same order (`wordText`).
 */
import { suffixArray } from '../suffix-array.js';
import { forEachRepeat } from './repeats.js';
import { SENTENCE_BOUNDARY, UNKNOWN_CHAR, validLengths } from './piece-rules.js';

export interface Corpus {
  /** Required characters (code points), most frequent first, and their counts. */
  required: Map<number, number>;
  /** Share of the characters the required ones cover. */
  coverage: number;
  /** Unique words (rare characters replaced) and their counts. */
  words: string[];
  wordCounts: Float64Array;
  /** How many of each word's occurrences end their sentence (the others are followed by a space). */
  sentenceEnds: Float64Array;
}

/** Reads sentences (non-empty lines) into a Corpus; `extra` characters are required whatever their count. */
export function readCorpus(sentences: readonly string[], characterCoverage: number, extra: string): Corpus {
  const { counts, total } = countCharacters(sentences);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const required = new Map<number, number>();
  let covered = 0;
  for (const [c, n] of sorted) {
    if (covered / total >= characterCoverage) break;
    required.set(c, n);
    covered += n;
  }
  for (const ch of extra) if (!required.has(ch.codePointAt(0)!)) required.set(ch.codePointAt(0)!, 0);
  const isRequired = new Uint8Array(0x110000);
  for (const c of required.keys()) isRequired[c] = 1;
  const wordCount = new Map<string, number>();
  const endCount = new Map<string, number>();
  for (const s of sentences) {
    const t = replaceRare(s, isRequired);
    for (let at = 0; at < t.length;) {
      let end = t.indexOf(' ', at + 1);
      if (end === -1) end = t.length;
      const w = t.slice(at, end);
      wordCount.set(w, (wordCount.get(w) ?? 0) + 1);
      if (end === t.length) endCount.set(w, (endCount.get(w) ?? 0) + 1);
      at = end;
    }
  }
  const words = [...wordCount.keys()].sort();
  const wordCounts = Float64Array.from(words, (w) => wordCount.get(w)!);
  const sentenceEnds = Float64Array.from(words, (w) => endCount.get(w) ?? 0);
  return { required, coverage: total === 0 ? 1 : covered / total, words, wordCounts, sentenceEnds };
}

/** Each character's count (a lone surrogate counts as itself), UNKNOWN_CHAR left out; counted in a table by code point. */
function countCharacters(sentences: readonly string[]): { counts: Map<number, number>; total: number } {
  const table = new Float64Array(0x110000);
  let total = 0;
  for (const s of sentences) {
    for (let i = 0; i < s.length; i++) {
      const c = s.codePointAt(i)!;
      if (c > 0xffff) i++;
      table[c]++;
      total++;
    }
  }
  total -= table[UNKNOWN_CHAR];
  table[UNKNOWN_CHAR] = 0;
  const counts = new Map<number, number>();
  for (let c = 0; c < table.length; c++) if (table[c] > 0) counts.set(c, table[c]);
  return { counts, total };
}

/** `s` with every character not required replaced by UNKNOWN_CHAR (`s` itself when all are required). */
function replaceRare(s: string, isRequired: Uint8Array): string {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (!isRequired[c]) break;
    if (c > 0xffff) i++;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    const wide = c > 0xffff;
    out += isRequired[c] ? s.slice(i, i + (wide ? 2 : 1)) : String.fromCharCode(UNKNOWN_CHAR);
    if (wide) i++;
  }
  return out;
}

/** Seed pieces and their log-probabilities (see the module comment). */
export function seedPieces(corpus: Corpus, seedSize: number, maxLength: number): { pieces: string[]; scores: number[] } {
  const { text, weights, symbols } = wordText(corpus);
  const sa = suffixArray(text, symbols.length);
  const offsets: number[] = [];
  const depths: number[] = [];
  const nodeWeights: number[] = [];
  forEachRepeat(text, sa, weights, validLengths(text, symbols, maxLength), (offset, depth, occurrences) => {
    if (depth <= 1) return;
    offsets.push(offset);
    depths.push(depth);
    nodeWeights.push(occurrences * depth);
  });
  const order = Array.from(nodeWeights.keys()).sort((a, b) => nodeWeights[b] - nodeWeights[a] || a - b);
  const pieces: string[] = [];
  const counts: number[] = [];
  const chars = [...corpus.required].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (const [c, n] of chars) {
    pieces.push(String.fromCodePoint(c));
    counts.push(n);
  }
  for (const k of order.slice(0, seedSize)) {
    const piece = Array.from(text.subarray(offsets[k], offsets[k] + depths[k]), (x) => String.fromCodePoint(symbols[x])).join('');
    pieces.push(piece);
    counts.push(nodeWeights[k]);
  }
  const logSum = Math.log(counts.reduce((a, b) => a + b, 0));
  return { pieces, scores: counts.map((n) => Math.log(n) - logSum) };
}

/**
 * The distinct words as one array of dense symbols, each followed by the symbol of what follows it: the
 * sentence's end (SENTENCE_BOUNDARY, symbol 0) or a space. A word occurs once per follower, and `weights[p]` is
 * how often the word at p occurs with that follower. The follower space gets a symbol of its own (the last),
 * invalid in a piece, so it starts no piece with the next word. Where an invalid symbol ranks moves no node of
 * interest (below it there are none), so the nodes come in the order the sentences' suffix tree gives them.
 */
function wordText(corpus: Corpus): { text: Int32Array; weights: Uint32Array; symbols: number[] } {
  const symbols = [SENTENCE_BOUNDARY, UNKNOWN_CHAR, ...[...corpus.required.keys()].sort((a, b) => a - b)];
  const symbolOf = new Int32Array(0x110000).fill(1); // not required: UNKNOWN_CHAR's symbol
  symbols.forEach((c, i) => (symbolOf[c] = i));
  const followerSpace = symbols.push(UNKNOWN_CHAR) - 1;
  const { words, wordCounts, sentenceEnds } = corpus;
  let n = 0;
  for (const w of words) n += 2 * (w.length + 1);
  const text = new Int32Array(n);
  const weights = new Uint32Array(n);
  let at = 0;
  const add = (w: string, follower: number, weight: number): void => {
    if (weight === 0) return;
    const start = at;
    for (let i = 0; i < w.length; i++) {
      const c = w.codePointAt(i)!;
      if (c > 0xffff) i++;
      text[at++] = symbolOf[c];
    }
    text[at++] = follower;
    weights.fill(weight, start, at);
  };
  words.forEach((w, i) => {
    add(w, followerSpace, wordCounts[i] - sentenceEnds[i]);
    add(w, 0, sentenceEnds[i]);
  });
  return { text: text.subarray(0, at), weights: weights.subarray(0, at), symbols };
}
