/**
 * The training text as SentencePiece's unigram trainer first reads it: the required characters (the most
 * frequent ones covering `characterCoverage` of all characters; the rest become UNKNOWN_CHAR), the words EM
 * runs on (each sentence cut before every space, counted), and the seed pieces
 * (Trainer::MakeSeedSentencePieces): every character, then the `seedSize` valid substrings of the suffix
 * tree's internal nodes with the highest occurrences × length, all as log-probabilities of those counts.
 */
import { suffixArray } from '../suffix-array.js';
import { forEachRepeat } from './repeats.js';
import { isValidPiece, SENTENCE_BOUNDARY, UNKNOWN_CHAR } from './piece-rules.js';

export interface Corpus {
  /** Required characters (code points), most frequent first, and their counts. */
  required: Map<number, number>;
  /** Share of the characters the required ones cover. */
  coverage: number;
  /** Unique words (rare characters replaced) and their counts. */
  words: string[];
  wordCounts: Float64Array;
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
  for (const s of sentences) {
    const t = replaceRare(s, isRequired);
    for (let at = 0; at < t.length;) {
      let end = t.indexOf(' ', at + 1);
      if (end === -1) end = t.length;
      const w = t.slice(at, end);
      wordCount.set(w, (wordCount.get(w) ?? 0) + 1);
      at = end;
    }
  }
  const words = [...wordCount.keys()].sort();
  const wordCounts = Float64Array.from(words, (w) => wordCount.get(w)!);
  return { required, coverage: total === 0 ? 1 : covered / total, words, wordCounts };
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
export function seedPieces(
  sentences: readonly string[],
  corpus: Corpus,
  seedSize: number,
  maxLength: number,
): { pieces: string[]; scores: number[] } {
  const { text, alphabet, symbols } = symbolArray(sentences, corpus.required);
  const sa = suffixArray(text, alphabet);
  const offsets: number[] = [];
  const depths: number[] = [];
  const weights: number[] = [];
  const cps = new Int32Array(maxLength);
  forEachRepeat(text, sa, maxLength, (offset, depth, occurrences) => {
    if (depth <= 1) return;
    for (let i = 0; i < depth; i++) cps[i] = symbols[text[offset + i]];
    if (!isValidPiece(cps, maxLength, 0, depth)) return;
    offsets.push(offset);
    depths.push(depth);
    weights.push(occurrences * depth);
  });
  const order = Array.from(weights.keys()).sort((a, b) => weights[b] - weights[a] || a - b);
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
    counts.push(weights[k]);
  }
  const logSum = Math.log(counts.reduce((a, b) => a + b, 0));
  return { pieces, scores: counts.map((n) => Math.log(n) - logSum) };
}

/** The sentences as one array of dense symbols, each sentence ended by SENTENCE_BOUNDARY (symbol 0). */
function symbolArray(
  sentences: readonly string[],
  required: Map<number, number>,
): { text: Int32Array; alphabet: number; symbols: number[] } {
  const symbols = [SENTENCE_BOUNDARY, UNKNOWN_CHAR, ...[...required.keys()].sort((a, b) => a - b)];
  const symbolOf = new Int32Array(0x110000).fill(1); // not required: UNKNOWN_CHAR's symbol
  symbols.forEach((c, i) => (symbolOf[c] = i));
  let n = 0;
  for (const s of sentences) n += s.length + 1;
  const text = new Int32Array(n);
  let at = 0;
  for (const s of sentences) {
    for (let i = 0; i < s.length; i++) {
      const c = s.codePointAt(i)!;
      if (c > 0xffff) i++;
      text[at++] = symbolOf[c];
    }
    text[at++] = 0;
  }
  return { text: text.subarray(0, at), alphabet: symbols.length, symbols };
}
