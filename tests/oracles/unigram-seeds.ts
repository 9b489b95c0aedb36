/**
 * SentencePiece's seed pieces, computed plainly as Trainer::MakeSeedSentencePieces computes them: every sentence
 * in one array (rare characters as UNKNOWN_CHAR) ended by 0, its suffix array (symbols numbered as the trainer
 * numbers them), every internal node of the suffix tree (lcp interval) of 2 to maxLength characters that
 * TrainerInterface::IsValidSentencePiece accepts, weighted by occurrences × length, best first (ties in the
 * order the intervals close). Lcps are compared in full here; src/bpe/unigram builds the tree over the distinct
 * words and stops comparing at the longest valid piece.
 */
import { suffixArray } from '../../src/bpe/suffix-array.js';
import { scriptOf, SENTENCE_BOUNDARY, UNKNOWN_CHAR } from '../../src/bpe/unigram/piece-rules.js';

const INHERITED = scriptOf(0x301);

/** IsValidSentencePiece with split_by_whitespace, split_by_unicode_script and split_by_number (our space as ▁). */
export function isValidPiece(cps: readonly number[], maxLength: number): boolean {
  if (cps.length === 0 || cps.length > maxLength) return false;
  let prev = -1; // kAnyType
  for (let pos = 0; pos < cps.length; pos++) {
    const c = cps[pos];
    if (c === UNKNOWN_CHAR || c === 0) return false;
    if (c === 0x20) {
      if (pos > 0) return false;
      continue;
    }
    let s = scriptOf(c);
    if (s === INHERITED) s = prev;
    if (s !== -1 && prev !== -1 && prev !== s) return false;
    prev = s;
  }
  return true;
}

/** The seed pieces after the required characters, with their occurrences × length, best first. */
export function referenceSeeds(
  sentences: readonly string[],
  required: ReadonlyMap<number, number>,
  maxLength: number,
): Array<[string, number]> {
  const cps: number[] = [];
  for (const s of sentences) {
    for (const ch of s) cps.push(required.has(ch.codePointAt(0)!) ? ch.codePointAt(0)! : UNKNOWN_CHAR);
    cps.push(SENTENCE_BOUNDARY);
  }
  // symbols as the trainer numbers them: the boundary, the unknown character, then the others by code point
  const alphabet = [SENTENCE_BOUNDARY, UNKNOWN_CHAR, ...[...required.keys()].sort((a, b) => a - b)];
  const text = Int32Array.from(cps, (c) => alphabet.indexOf(c));
  const sa = suffixArray(text, alphabet.length);
  const lcp = (i: number): number => {
    let l = 0;
    while (sa[i - 1] + l < text.length && sa[i] + l < text.length && text[sa[i - 1] + l] === text[sa[i] + l]) l++;
    return l;
  };
  const nodes: Array<[string, number]> = [];
  const stack: Array<[number, number]> = [[0, 0]]; // [lcp, left bound]
  for (let i = 1; i <= text.length; i++) {
    const l = i < text.length ? lcp(i) : 0;
    let lb = i - 1;
    while (l < stack[stack.length - 1][0]) {
      const [depth, left] = stack.pop()!;
      lb = left;
      const piece = cps.slice(sa[lb], sa[lb] + depth);
      if (depth >= 2 && isValidPiece(piece, maxLength)) nodes.push([String.fromCodePoint(...piece), (i - lb) * depth]);
    }
    if (l > stack[stack.length - 1][0]) stack.push([l, lb]);
  }
  return nodes
    .map((node, k) => ({ node, k }))
    .sort((a, b) => b.node[1] - a.node[1] || a.k - b.k)
    .map(({ node }) => node);
}
