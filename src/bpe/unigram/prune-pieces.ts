/**
 * A pruning round of SentencePiece's unigram trainer (Trainer::PruneSentencePieces): keeps the pieces whose
 * removal would cost the corpus's likelihood most, `shrinkingFactor` of them (never fewer than `keepAtLeast`).
 *
 * A piece whose own best segmentation is not itself goes; a piece with no other segmentation (a single
 * character) stays, so every required character survives. For the others, the loss is estimated as
 * SentencePiece does: its Viterbi count moves to the pieces of its second-best segmentation (its
 * "alternatives"), and loss = (count / words) · (log p(piece) - Σ log p(alternative)) with the counts renormalized.
 * `freq`: each piece's count in the words' Viterbi segmentations (word-passes.ts), `wordsTotal`: the words'.
 */
import { PieceTrie } from './piece-trie.js';
import { viterbi, ViterbiScratch } from './viterbi.js';

export function prunePieces(
  pieces: readonly string[],
  scores: Float64Array,
  unknownScore: number,
  freq: Float64Array,
  wordsTotal: number,
  shrinkingFactor: number,
  keepAtLeast: number,
): { pieces: string[]; scores: number[] } {
  const trie = new PieceTrie(pieces);
  const scratch = new ViterbiScratch();
  const alwaysKeep = new Uint8Array(pieces.length);
  const alternatives: Int32Array[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    alternatives.push(new Int32Array(0));
    if (viterbi(trie, scores, unknownScore, p, 0, p.length, scratch) >= 2) continue; // removable
    alwaysKeep[i] = 1;
    const k = viterbi(trie, scores, unknownScore, p, 0, p.length, scratch, i);
    if (k === 1 && scratch.pathPiece[0] === i) continue; // no other segmentation
    alternatives[i] = scratch.pathPiece.slice(0, k).filter((x) => x >= 0);
  }
  let sum = 0;
  for (let i = 0; i < freq.length; i++) sum += freq[i];
  const logSum = Math.log(sum);
  const kept: number[] = [];
  const candidates: Array<[number, number]> = [];
  for (let i = 0; i < pieces.length; i++) {
    if (freq[i] === 0 || !alwaysKeep[i]) continue;
    const alt = alternatives[i];
    if (alt.length === 0) {
      kept.push(i);
      continue;
    }
    const logSumAlt = Math.log(sum + freq[i] * (alt.length - 1));
    let logProbAlt = 0;
    for (const a of alt) logProbAlt += Math.log(freq[a] + freq[i]) - logSumAlt;
    const loss = (freq[i] / wordsTotal) * (Math.log(freq[i]) - logSum - logProbAlt);
    candidates.push([i, loss]);
  }
  const target = Math.max(keepAtLeast, Math.floor(shrinkingFactor * pieces.length));
  candidates.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (const [i] of candidates) {
    if (kept.length >= target) break;
    kept.push(i);
  }
  kept.sort((a, b) => a - b);
  return { pieces: kept.map((i) => pieces[i]), scores: kept.map((i) => scores[i]) };
}
