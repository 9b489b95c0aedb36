import { boundaryFinder, forEachSuperwordPiece, SUPERWORD_PATTERN, type BoundaryFinder } from '../pretokenize/superword-pieces.js';
import { hashUnits } from '../units-hash.js';
import { grow } from './pair-table.js';
import { cutByUtf8Length } from './piece-counter.js';

/** Distinct stage-2 pieces in order of first sight: `pieces[i]` occurred `counts[i]` times. */
export interface SuperwordCounts {
  pieces: string[];
  counts: Float64Array;
}

/**
 * Counts SuperBPE's stage-2 pieces (superword-pieces.ts). Feed it text cut after newlines (each line is cut
 * on its own, so any such chunking gives the same counts).
 *
 * An open-addressing table over typed arrays, keyed by the pieces' code units read in place: a string is
 * made only for each distinct piece, not for every piece (docs/trainer.md, Performance notes).
 */
export class SuperwordCounter {
  cutPieces = 0;
  private readonly find: BoundaryFinder;
  private readonly maxChars: number;
  /** Entry + 1 per slot; 0 is empty. */
  private slots = new Int32Array(1 << 16);
  private hashes = new Int32Array(1 << 15);
  private counts = new Float64Array(1 << 15);
  private readonly pieces: string[] = [];

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
      if (e - s <= this.maxChars) return this.count(text, s, e);
      const parts = cutByUtf8Length(text.slice(s, e), this.maxPieceBytes);
      if (parts.length > 1) this.cutPieces++;
      for (const p of parts) this.count(p, 0, p.length);
    });
  }

  result(): SuperwordCounts {
    return { pieces: this.pieces.slice(), counts: this.counts.slice(0, this.pieces.length) };
  }

  private count(text: string, s: number, e: number): void {
    const h = hashUnits(text, s, e);
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] - 1;
      if (entry < 0) return this.insert(slot, h, text, s, e);
      if (this.hashes[entry] === h && isPiece(this.pieces[entry], text, s, e)) {
        this.counts[entry]++;
        return;
      }
    }
  }

  private insert(slot: number, h: number, text: string, s: number, e: number): void {
    const entry = this.pieces.length;
    if (entry === this.counts.length) {
      this.hashes = grow(this.hashes);
      this.counts = grow(this.counts);
    }
    // A copy, so the piece does not keep the whole text alive (see PieceCounter's detach).
    this.pieces.push(e - s >= 13 ? (' ' + text.slice(s, e)).slice(1) : text.slice(s, e));
    this.hashes[entry] = h;
    this.counts[entry] = 1;
    this.slots[slot] = entry + 1;
    if (this.pieces.length * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.pieces.length; entry++) {
      let slot = this.hashes[entry] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

/** Whether `piece` is text[s, e). */
function isPiece(piece: string, text: string, s: number, e: number): boolean {
  if (piece.length !== e - s) return false;
  for (let i = s, k = 0; i < e; i++, k++) if (piece.charCodeAt(k) !== text.charCodeAt(i)) return false;
  return true;
}
