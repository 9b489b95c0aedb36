/**
 * Unique pre-tokenization pieces with their frequencies, as flat typed arrays: piece i is
 * bytes[offsets[i] .. offsets[i + 1]) and occurred counts[i] times. This is what counting produces (in worker
 * threads too: the buffers transfer without copying) and what the trainer consumes.
 */
export interface PieceCounts {
  bytes: Uint8Array;
  offsets: Int32Array;
  counts: Float64Array;
}

export function pieceCount(p: PieceCounts): number {
  return p.counts.length;
}
