/**
 * Byte-string helpers shared by the encoder and the vocabulary formats: UTF-8 the way TextEncoder and
 * tiktoken do it, latin1 "byte strings" used as hash keys, and strict base64.
 */

const textEncoder = new TextEncoder();
/** Non-fatal (invalid UTF-8 becomes U+FFFD) and keeps a leading BOM, so decode(encode(s)) === s. */
const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 bytes of `text`; lone surrogates become U+FFFD (EF BF BD), as TextEncoder and tiktoken do. */
export function utf8Encode(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/**
 * The UTF-8 of text[start, end) written into `buf` from 0 (room for 3 bytes per UTF-16 unit); returns its
 * length. As utf8Encode, lone surrogates become U+FFFD. A loop here beats a call into TextEncoder on the short
 * pieces encoders see.
 */
export function utf8Into(text: string, start: number, end: number, buf: Uint8Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      buf[n++] = c;
    } else if (c < 0x800) {
      buf[n++] = 0xc0 | (c >> 6);
      buf[n++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const low = i + 1 < end ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
        buf[n++] = 0xf0 | (c >> 18);
        buf[n++] = 0x80 | ((c >> 12) & 0x3f);
        buf[n++] = 0x80 | ((c >> 6) & 0x3f);
        buf[n++] = 0x80 | (c & 0x3f);
      } else {
        buf[n++] = 0xef;
        buf[n++] = 0xbf;
        buf[n++] = 0xbd;
      }
    } else {
      buf[n++] = 0xe0 | (c >> 12);
      buf[n++] = 0x80 | ((c >> 6) & 0x3f);
      buf[n++] = 0x80 | (c & 0x3f);
    }
  }
  return n;
}

/** The length of `utf8Encode(text)`, counted without encoding (lone surrogates take 3 bytes, as there). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8'); // V8's count: a tenth of the time of a loop over the text in JavaScript
}

/** The text of UTF-8 `bytes`; invalid sequences become U+FFFD, a leading BOM is kept. */
export function utf8Decode(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}

/** `text` with every lone surrogate replaced by U+FFFD, as TextEncoder and tiktoken see it. */
export function toWellFormed(text: string): string {
  const s = text as string & WellFormed;
  return s.isWellFormed() ? text : s.toWellFormed();
}

/** ES2024's String methods, which Node 20 has (the project compiles against the ES2023 library). */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** `bytes` as a latin1 string (one char per byte). */
export function bytesToLatin1(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return out;
}

/** The byte strings of `parts`, one after another. */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `a` followed by `b`. */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** The value of each base64 digit by UTF-16 code unit; -1 for every other unit. */
const B64_VALUE = new Int8Array(65536).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** Standard padded base64 (RFC 4648 alphabet `+/`, `=` padding). */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    out += B64[v >> 18] + B64[(v >> 12) & 63] + '==';
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + '=';
  }
  return out;
}

/**
 * Decode strict, canonical, padded base64: the standard alphabet only, length a multiple of 4, `=` only as
 * final padding, and zero unused bits (as Rust's `base64::STANDARD`, which tiktoken uses). Throws an Error
 * saying what is wrong; callers add where.
 */
export function fromBase64(s: string): Uint8Array {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array(Math.max(0, Math.floor(s.length / 4) * 3 - pad));
  decodeBase64Into(s, 0, s.length, out, 0);
  return out;
}

/**
 * fromBase64 of `text[s, e)`, written into `out` from `at` (which must have room); returns where the bytes
 * end. Offsets in its errors count from `s`. Rank files are read this way, with no array per token.
 */
export function decodeBase64Into(text: string, s: number, e: number, out: Uint8Array, at: number): number {
  if ((e - s) % 4 !== 0) throw new Error(`base64 length ${e - s} is not a multiple of 4`);
  let pad = 0;
  if (e - s >= 4 && text.charCodeAt(e - 1) === 61) pad = text.charCodeAt(e - 2) === 61 ? 2 : 1;
  const full = pad ? e - 4 : e;
  let o = at;
  let k = s;
  for (; k < full; k += 4) {
    const a = B64_VALUE[text.charCodeAt(k)];
    const b = B64_VALUE[text.charCodeAt(k + 1)];
    const c = B64_VALUE[text.charCodeAt(k + 2)];
    const d = B64_VALUE[text.charCodeAt(k + 3)];
    if ((a | b | c | d) < 0) throw invalidCharacter(text, s, k);
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (pad === 0) return o;
  const a = B64_VALUE[text.charCodeAt(k)];
  const b = B64_VALUE[text.charCodeAt(k + 1)];
  const c = pad === 1 ? B64_VALUE[text.charCodeAt(k + 2)] : 0;
  if ((a | b | c) < 0) throw invalidCharacter(text, s, k);
  const v = (a << 18) | (b << 12) | (c << 6);
  if (v & (pad === 2 ? 0xffff : 0xff)) throw new Error('non-canonical base64 (nonzero bits before padding)');
  out[o++] = v >> 16;
  if (pad === 1) out[o++] = (v >> 8) & 255;
  return o;
}

/** The error for the first unit of `text[k, k + 4)` that is not a base64 digit. */
function invalidCharacter(text: string, s: number, k: number): Error {
  let j = k;
  while (B64_VALUE[text.charCodeAt(j)] >= 0) j++;
  return new Error(`invalid base64 character ${JSON.stringify(text[j])} at offset ${j - s}`);
}
