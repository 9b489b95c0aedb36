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

/** Sums several counts of pieces (from worker threads) into one, with a hash over the byte strings. */
export function mergePieceCounts(parts: readonly PieceCounts[]): PieceCounts {
  if (parts.length === 1) return parts[0];
  let bytesTotal = 0;
  let piecesTotal = 0;
  for (const p of parts) {
    bytesTotal += p.bytes.length;
    piecesTotal += p.counts.length;
  }
  const bytes = new Uint8Array(bytesTotal);
  const offsets = new Int32Array(piecesTotal + 1);
  const counts = new Float64Array(piecesTotal);
  const size = 1 << Math.ceil(Math.log2(piecesTotal * 2 + 2));
  const slots = new Int32Array(size); // piece index + 1
  const mask = size - 1;
  let n = 0;
  for (const part of parts) {
    for (let i = 0; i < part.counts.length; i++) {
      const s = part.offsets[i];
      const e = part.offsets[i + 1];
      let slot = hashBytes(part.bytes, s, e) & mask;
      for (;;) {
        const entry = slots[slot];
        if (entry === 0) {
          bytes.set(part.bytes.subarray(s, e), offsets[n]);
          offsets[n + 1] = offsets[n] + (e - s);
          counts[n] = part.counts[i];
          slots[slot] = ++n;
          break;
        }
        if (equalBytes(bytes, offsets[entry - 1], offsets[entry], part.bytes, s, e)) {
          counts[entry - 1] += part.counts[i];
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
  }
  return { bytes: bytes.slice(0, offsets[n]), offsets: offsets.slice(0, n + 1), counts: counts.slice(0, n) };
}

function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return (h ^ (h >>> 16)) >>> 0;
}

function equalBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = 0; i < ae - as; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}
