import { boundaryFinder, forEachSuperwordPiece, SUPERWORD_PATTERN, type BoundaryFinder } from '../pretokenize/superword-pieces.js';
import { hashUnits } from '../units-hash.js';
import { grow } from './pair-table.js';
import { cutByUtf8Length } from './piece-counter.js';

/**
 * Distinct stage-2 pieces in order of first sight, as UTF-16 code units: piece i is
 * `units[offsets[i] .. offsets[i + 1])` and occurred `counts[i]` times.
 */
export interface SuperwordCounts {
  units: Uint16Array;
  offsets: Int32Array;
  counts: Float64Array;
}

/** Piece i of `c` as a string (lone surrogates kept). */
export function pieceText(c: SuperwordCounts, i: number): string {
  let out = '';
  for (let k = c.offsets[i], end = c.offsets[i + 1]; k < end; k += 4096) {
    out += String.fromCharCode.apply(null, c.units.subarray(k, Math.min(end, k + 4096)) as unknown as number[]);
  }
  return out;
}

/**
 * Counts SuperBPE's stage-2 pieces (superword-pieces.ts). Feed it text cut after newlines (each line is cut
 * on its own, so any such chunking gives the same counts).
 *
 * An open-addressing table over typed arrays, keyed by the pieces' code units read in place: no string per
 * piece, and the distinct pieces live in one array the garbage collector does not trace (docs/trainer.md,
 * Performance notes).
 */
export class SuperwordCounter {
  cutPieces = 0;
  private readonly find: BoundaryFinder;
  private readonly maxChars: number;
  /** Entry + 1 per slot; 0 is empty. */
  private slots = new Int32Array(1 << 16);
  private hashes = new Int32Array(1 << 15);
  private offsets = new Int32Array((1 << 15) + 1);
  private counts = new Float64Array(1 << 15);
  private size = 0;
  private units = new Uint16Array(1 << 20);

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
    const n = this.size;
    return { units: this.units.slice(0, this.offsets[n]), offsets: this.offsets.slice(0, n + 1), counts: this.counts.slice(0, n) };
  }

  private count(text: string, s: number, e: number): void {
    const h = hashUnits(text, s, e);
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] - 1;
      if (entry < 0) return this.insert(slot, h, text, s, e);
      if (this.hashes[entry] === h && this.holds(entry, text, s, e)) {
        this.counts[entry]++;
        return;
      }
    }
  }

  /** Whether distinct piece `entry` is text[s, e). */
  private holds(entry: number, text: string, s: number, e: number): boolean {
    const start = this.offsets[entry];
    if (this.offsets[entry + 1] - start !== e - s) return false;
    const units = this.units;
    for (let i = s, k = start; i < e; i++, k++) if (units[k] !== text.charCodeAt(i)) return false;
    return true;
  }

  private insert(slot: number, h: number, text: string, s: number, e: number): void {
    const entry = this.size++;
    if (entry === this.counts.length) {
      this.hashes = grow(this.hashes);
      this.counts = grow(this.counts);
      this.offsets = grow(this.offsets);
    }
    let at = this.offsets[entry];
    if (at + (e - s) > this.units.length) this.units = grow(this.units, at + (e - s));
    const units = this.units;
    for (let i = s; i < e; i++) units[at++] = text.charCodeAt(i);
    this.offsets[entry + 1] = at;
    this.hashes[entry] = h;
    this.counts[entry] = 1;
    this.slots[slot] = entry + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.size; entry++) {
      let slot = this.hashes[entry] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}
