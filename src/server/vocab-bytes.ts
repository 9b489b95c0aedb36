/** A token's bytes as the pages show them: whole characters as text, the bytes of cut characters apart. */
import { incompleteUtf8Tail } from '../bpe/decoder.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/** The token's text, or undefined when its bytes are not whole UTF-8 characters. */
export function tokenText(bytes: Uint8Array): string | undefined {
  // Most tokens of English text are ASCII: skip the decoder (and its exception on partial tokens) for them.
  if (bytes.every((b) => b < 0x80)) return String.fromCharCode(...bytes);
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

export interface TokenParts {
  /** Continuation bytes of a character that began in the previous token. */
  head: Uint8Array;
  /** The whole characters in between. */
  text: string;
  /** The first bytes of a character that ends in the next token. */
  tail: Uint8Array;
}

/** A token cut into the end of one character, whole characters and the start of another; undefined if the middle is not UTF-8. */
export function tokenParts(bytes: Uint8Array): TokenParts | undefined {
  let h = 0;
  while (h < 3 && h < bytes.length && (bytes[h] & 0xc0) === 0x80) h++;
  const rest = bytes.subarray(h);
  const t = rest.length - incompleteUtf8Tail(rest);
  const text = tokenText(rest.subarray(0, t));
  return text === undefined ? undefined : { head: bytes.subarray(0, h), text, tail: rest.subarray(t) };
}

/** A token as the pages' chips draw it (views/tokens.tsx): its bytes and their parts. */
export function chipToken(bytes: Uint8Array): { bytes: Uint8Array; parts: TokenParts | undefined } {
  return { bytes, parts: tokenParts(bytes) };
}
