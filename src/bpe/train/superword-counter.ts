import { boundaryFinder, forEachSuperwordPiece, SUPERWORD_PATTERN, type BoundaryFinder } from '../pretokenize/superword-pieces.js';
import { cutByUtf8Length } from './piece-counter.js';

/**
 * Counts SuperBPE's stage-2 pieces (superword-pieces.ts). Feed it text cut after newlines (each line is cut
 * on its own, so any such chunking gives the same counts).
 */
export class SuperwordCounter {
  readonly counts = new Map<string, number>();
  cutPieces = 0;
  private readonly find: BoundaryFinder;
  private readonly maxChars: number;

  /** Pieces longer than `maxPieceBytes` UTF-8 bytes are cut at character boundaries, as PieceCounter does. */
  constructor(
    pattern: string = SUPERWORD_PATTERN,
    private readonly maxPieceBytes = Infinity,
  ) {
    this.find = boundaryFinder(pattern);
    this.maxChars = Math.floor(maxPieceBytes / 3);
  }

  add(text: string): void {
    forEachSuperwordPiece(text, this.find, (s, e) => {
      if (e - s <= this.maxChars) return this.count(text.slice(s, e));
      const parts = cutByUtf8Length(text.slice(s, e), this.maxPieceBytes);
      if (parts.length > 1) this.cutPieces++;
      for (const p of parts) this.count(p);
    });
  }

  private count(piece: string): void {
    const n = this.counts.get(piece);
    // A copy, so the key does not keep the whole text alive (see PieceCounter's detach).
    this.counts.set(n === undefined && piece.length >= 13 ? (' ' + piece).slice(1) : piece, (n ?? 0) + 1);
  }
}
