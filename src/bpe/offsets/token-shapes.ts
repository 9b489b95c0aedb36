/**
 * The shape of each token's bytes as UTF-8, per id: its length, the characters and UTF-16 units that start in
 * it, and whether it starts or ends inside a character. With these, spans and metrics walk a token sequence a
 * few typed-array reads per token, without another pass over every byte of the text.
 *
 * Shapes are learnt on an id's first sight (one read of its bytes) and kept per tokenizer.
 */
import { utf8Length } from '../bytes.js';
import type { TokenBytesSource } from '../tokenizer.js';

/** A token source with its id space (every id is below nVocab). */
export interface TokenSource extends TokenBytesSource {
  readonly nVocab: number;
}

/** The first byte is a continuation byte: the token starts inside a character. */
export const STARTS_INSIDE = 1;
/** The last character that starts in the token needs bytes of the next token. */
export const ENDS_INSIDE = 2;
/** The last character that starts in the token is astral: two UTF-16 units. */
export const LAST_ASTRAL = 4;

/** Bytes of a UTF-8 character from its lead byte (stray bytes over F4 count as 4, as their shape says). */
export function utf8Size(lead: number): number {
  return lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

export class TokenShapes {
  /** Bytes of each id's token; 0 until the id is learnt. */
  readonly bytes: Uint32Array;
  /** Characters (lead bytes) that start in the token. */
  readonly chars: Uint32Array;
  /** UTF-16 units of the characters that start in the token. */
  readonly units: Uint32Array;
  /** STARTS_INSIDE | ENDS_INSIDE | LAST_ASTRAL. */
  readonly flags: Uint8Array;

  constructor(private readonly source: TokenSource) {
    this.bytes = new Uint32Array(source.nVocab);
    this.chars = new Uint32Array(source.nVocab);
    this.units = new Uint32Array(source.nVocab);
    this.flags = new Uint8Array(source.nVocab);
  }

  /** Learns `id`'s shape (the source's error for an id no token has); returns its length in bytes. */
  learn(id: number): number {
    const b = this.source.tokenBytes(id);
    if (b === undefined || !(id >= 0 && id < this.bytes.length)) throw new RangeError(`no token has id ${id}`);
    let chars = 0;
    let units = 0;
    let last = -1; // index of the last lead byte
    let size = 0; // its character's bytes
    for (let k = 0; k < b.length; k++) {
      if ((b[k] & 0xc0) === 0x80) continue;
      last = k;
      size = utf8Size(b[k]);
      chars++;
      units += size === 4 ? 2 : 1;
    }
    let flags = 0;
    if (b.length > 0 && (b[0] & 0xc0) === 0x80) flags |= STARTS_INSIDE;
    if (last >= 0 && last + size > b.length) flags |= ENDS_INSIDE;
    if (size === 4) flags |= LAST_ASTRAL;
    this.chars[id] = chars;
    this.units[id] = units;
    this.flags[id] = flags;
    this.bytes[id] = b.length;
    return b.length;
  }
}

/** `make(key)` once per key, kept while the key (a tokenizer) lives: tables learnt per tokenizer. */
export function perTokenizer<K extends object, T>(make: (key: K) => T): (key: K) => T {
  const made = new WeakMap<K, T>();
  return (key) => {
    let t = made.get(key);
    if (t === undefined) made.set(key, (t = make(key)));
    return t;
  };
}

/** The shapes of `source`'s tokens, made on first use and kept while the source lives. */
export const tokenShapes = perTokenizer((source: TokenSource) => new TokenShapes(source));

/**
 * Why tokens of `bytes` bytes and `units` UTF-16 units cannot be the encoding of `text`, or undefined when
 * these totals match it (all that walking shapes can check).
 */
export function totalsMismatch(text: string, bytes: number, units: number): string | undefined {
  const textBytes = utf8Length(text);
  if (bytes !== textBytes) return `the tokens cover ${bytes} of the text's ${textBytes} bytes`;
  if (units !== text.length) return `the tokens' characters take ${units} UTF-16 units, the text ${text.length}`;
  return undefined;
}
