/**
 * SuperBPE's encoding as training defines it, written plainly and slowly, for the tests to hold the encoder to:
 * stage-2 pieces by the boundary regex line by line (tokenizers' Split "isolated"), each piece's stage-1 pieces
 * by the stage-1 pattern's regex, tiktoken's quadratic merge over each, then each stage-2 merge in order, one
 * left-to-right pass apiece.
 */
import { bytesToLatin1, toWellFormed, utf8Encode } from '../../src/bpe/bytes.js';
import { plainBytePairMerge } from '../../src/bpe/encode/plain-byte-pair-merge.js';
import { splitPieces, type PatternName } from '../../src/bpe/pretokenize/patterns.js';
import type { Vocabulary } from '../../src/bpe/vocabulary.js';

/** Stage-2 pieces: each line (with its newline) split around the regex's matches, both kept. */
export function referenceSuperwordPieces(text: string, pattern: string): string[] {
  const out: string[] = [];
  for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    let at = 0;
    for (const m of line.matchAll(new RegExp(pattern, 'gu'))) {
      if (m.index > at) out.push(line.slice(at, m.index));
      out.push(m[0]);
      at = m.index + m[0].length;
    }
    if (at < line.length) out.push(line.slice(at));
  }
  return out;
}

export function referenceSuperBpeEncode(vocab: Vocabulary, text: string): number[] {
  const info = vocab.superbpe!;
  const stage1 = new Map<string, number>();
  for (let id = 0; id < info.transition; id++) stage1.set(bytesToLatin1(vocab.tokens[id]), id);
  const all = new Map<string, number>();
  vocab.tokens.forEach((t, id) => all.set(bytesToLatin1(t), id));
  const stage2 = vocab.merges.slice(info.stage1Merges).map(([a, b]) => {
    return [a, b, all.get(bytesToLatin1(vocab.tokens[a]) + bytesToLatin1(vocab.tokens[b]))!] as const;
  });
  const out: number[] = [];
  for (const piece of referenceSuperwordPieces(toWellFormed(text), info.stage2Pattern)) {
    let ids: number[] = [];
    for (const part of splitPieces(piece, vocab.pattern as PatternName)) {
      const bytes = bytesToLatin1(utf8Encode(part));
      const bounds = plainBytePairMerge(bytes, stage1);
      for (let k = 0; k + 1 < bounds.length; k++) ids.push(stage1.get(bytes.slice(bounds[k], bounds[k + 1]))!);
    }
    for (const [a, b, t] of stage2) {
      const next: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
          next.push(t);
          i++;
        } else next.push(ids[i]);
      }
      ids = next;
    }
    out.push(...ids);
  }
  return out;
}

/** Merges applied literally in order to an id sequence: the meaning of ordered-merges.ts. */
export function referenceOrderedMerges(ids: number[], merges: ReadonlyArray<readonly [number, number, number]>): number[] {
  let seq = ids.slice();
  for (const [a, b, t] of merges) {
    const next: number[] = [];
    for (let i = 0; i < seq.length; i++) {
      if (i + 1 < seq.length && seq[i] === a && seq[i + 1] === b) {
        next.push(t);
        i++;
      } else next.push(seq[i]);
    }
    seq = next;
  }
  return seq;
}
