/**
 * Decoding. Bytes-exact decoding is `Encoder.decodeBytes` (or `Tokenizer.decodeBytes`): the concatenated token
 * bytes, nothing replaced. `decode` turns them into text with U+FFFD for invalid UTF-8.
 *
 * StreamDecoder turns ids into text as they arrive (a model generating tokens, one chunk at a time): a
 * character whose bytes are split over two pushes is held back until its last byte arrives, so the pieces
 * concatenate to exactly what one `decode` of all the ids gives. Each StreamDecoder has its own state.
 */
import type { TokenBytesSource } from './tokenizer.js';

/**
 * How many bytes at the end of `bytes` form an incomplete but so far valid UTF-8 sequence (0 to 3): the bytes
 * a streaming decoder holds back. Follows the well-formed ranges (E0 A0-BF, ED 80-9F, F0 90-BF, F4 80-8F).
 */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = bytes[n - k];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (need <= k) return 0; // ASCII, invalid lead, or complete
    if (k >= 2) {
      const c = bytes[n - k + 1];
      const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
      const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
      if (c < lo || c > hi) return 0;
    }
    return k;
  }
  return 0;
}

export class StreamDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  /** The last (up to) 3 bytes pushed: enough to tell what is held back. */
  private last = new Uint8Array(0);

  constructor(private readonly source: TokenBytesSource) {}

  /**
   * The text that the ids complete. Bytes of a character still incomplete at the end are held back; invalid
   * bytes become U+FFFD. RangeError (and no change of state) if an id is unknown.
   */
  push(ids: ArrayLike<number>): string {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const b = this.source.tokenBytes(ids[i]);
      parts.push(b);
      total += b.length;
    }
    const bytes = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    return this.pushBytes(bytes);
  }

  /** Like push, for raw bytes. */
  pushBytes(bytes: Uint8Array): string {
    if (bytes.length > 0) {
      const window = new Uint8Array(Math.min(3, this.last.length + bytes.length));
      const fromNew = Math.min(bytes.length, window.length);
      window.set(this.last.subarray(this.last.length - (window.length - fromNew)), 0);
      window.set(bytes.subarray(bytes.length - fromNew), window.length - fromNew);
      this.last = window;
    }
    return this.decoder.decode(bytes, { stream: true });
  }

  /** How many bytes are held back (0 to 3): the start of a character whose last byte has not come yet. */
  get pending(): number {
    return incompleteUtf8Tail(this.last);
  }

  /** Emit what remains (held-back bytes of an unfinished character become U+FFFD) and start afresh. */
  flush(): string {
    this.last = new Uint8Array(0);
    return this.decoder.decode();
  }
}
