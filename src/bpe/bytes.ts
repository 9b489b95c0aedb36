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

/** The length of `utf8Encode(text)`, counted without encoding (lone surrogates take 3 bytes, as there). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8'); // V8's count: a tenth of the time of a loop over the text in JavaScript
}

/** The text of UTF-8 `bytes`; invalid sequences become U+FFFD, a leading BOM is kept. */
export function utf8Decode(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}

const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/** `text` with every lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, ES2024). */
export function toWellFormed(text: string): string {
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATES, '\uFFFD') : text;
}

/**
 * The UTF-8 bytes of `text` as a latin1 string (one char per byte, codes 0-255), without an intermediate
 * Uint8Array. Lone surrogates become EF BF BD. Used as a hash key for byte strings.
 */
export function utf8Latin1(text: string): string {
  const n = text.length;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return text;
  let out = '';
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out += text[i];
    } else if (c < 0x800) {
      out += String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out += String.fromCharCode(
          0xf0 | (c >> 18),
          0x80 | ((c >> 12) & 0x3f),
          0x80 | ((c >> 6) & 0x3f),
          0x80 | (c & 0x3f),
        );
      } else {
        out += '\xef\xbf\xbd';
      }
    } else {
      out += String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return out;
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

/** `a` followed by `b`. */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int16Array(128).fill(-1);
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
  if (s.length % 4 !== 0) throw new Error(`base64 length ${s.length} is not a multiple of 4`);
  let pad = 0;
  if (s.endsWith('==')) pad = 2;
  else if (s.endsWith('=')) pad = 1;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  const value = (k: number): number => {
    const c = s.charCodeAt(k);
    const v = c < 128 ? B64_VALUE[c] : -1;
    if (v < 0) throw new Error(`invalid base64 character ${JSON.stringify(s[k])} at offset ${k}`);
    return v;
  };
  let o = 0;
  const full = pad ? s.length - 4 : s.length;
  for (let k = 0; k < full; k += 4) {
    const v = (value(k) << 18) | (value(k + 1) << 12) | (value(k + 2) << 6) | value(k + 3);
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (pad === 2) {
    const v = (value(full) << 18) | (value(full + 1) << 12);
    if (v & 0xffff) throw new Error('non-canonical base64 (nonzero bits before padding)');
    out[o++] = v >> 16;
  } else if (pad === 1) {
    const v = (value(full) << 18) | (value(full + 1) << 12) | (value(full + 2) << 6);
    if (v & 0xff) throw new Error('non-canonical base64 (nonzero bits before padding)');
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
  }
  return out;
}
