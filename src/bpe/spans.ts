/**
 * Where each token sits in the text, for the pages: its UTF-8 byte range, the UTF-16 span [start, end) of the
 * characters it touches, and whether it holds only part of a character.
 *
 * A token that ends or starts inside a character (a Han character's three bytes split over two tokens) is
 * `partial`; such tokens and their siblings (every token sharing a split character with it, transitively) get
 * the same `group` (the index of the group's first token) and carry their bytes as hex. Siblings' spans
 * overlap (each covers the whole split character); the spans of ungrouped tokens and the union of each
 * group's spans tile the text.
 *
 * The text is compared as UTF-8 with lone surrogates as EF BF BD (U+FFFD), which is how the encoder sees it;
 * a lone surrogate is one UTF-16 unit for three bytes.
 */
import type { TokenBytesSource } from './tokenizer.js';

export interface TokenSpan {
  /** Position of the token in `ids`. */
  index: number;
  id: number;
  /** UTF-8 byte range [byteStart, byteEnd) in the text. */
  byteStart: number;
  byteEnd: number;
  /** UTF-16 range [start, end) of the characters the token touches (whole characters). */
  start: number;
  end: number;
  /** The token starts or ends inside a character. */
  partial: boolean;
  /** Shared by the tokens that split characters between them: the index of the first of them; else null. */
  group: number | null;
  /** The token's bytes as lowercase hex pairs separated by spaces ("e6 b7"), for grouped tokens. */
  hex?: string;
}

/** Thrown when the ids' bytes are not the text's UTF-8. */
export class SpanMismatchError extends Error {
  override name = 'SpanMismatchError';
}

function mismatch(index: number, id: number, byte: number): SpanMismatchError {
  return new SpanMismatchError(`token ${index} (id ${id}) does not match the text at byte ${byte}`);
}

function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (i ? ' ' : '') + bytes[i].toString(16).padStart(2, '0');
  return s;
}

/** The spans of all tokens as typed arrays (token i at index i): what TokenSpan holds, without an object each. */
export interface SpanArrays {
  byteStart: Uint32Array;
  byteEnd: Uint32Array;
  start: Uint32Array;
  end: Uint32Array;
  /** 1 where the token starts or ends inside a character. */
  partial: Uint8Array;
  /** The token's group (the index of its first token), or -1. */
  group: Int32Array;
}

/**
 * The spans of `ids` over `text` as typed arrays. Throws SpanMismatchError when the tokens' bytes are not the
 * text's bytes, naming the first byte that differs.
 */
export function spanArrays(text: string, ids: ArrayLike<number>, source: TokenBytesSource): SpanArrays {
  const expected = new TextEncoder().encode(text); // lone surrogates -> EF BF BD, as the encoder sees them
  // utf16At[b] = UTF-16 index of the character containing byte b; charStart[b] = 1 where a character starts.
  const utf16At = new Uint32Array(expected.length + 1);
  const charStart = new Uint8Array(expected.length + 1);
  let b = 0;
  for (let u = 0; u < text.length; ) {
    const c = text.charCodeAt(u);
    let units = 1;
    let nBytes: number;
    if (c < 0x80) nBytes = 1;
    else if (c < 0x800) nBytes = 2;
    else if (c >= 0xd800 && c <= 0xdbff && u + 1 < text.length && (text.charCodeAt(u + 1) & 0xfc00) === 0xdc00) {
      nBytes = 4;
      units = 2;
    } else nBytes = 3; // BMP, or a lone surrogate (U+FFFD)
    charStart[b] = 1;
    for (let k = 0; k < nBytes; k++) utf16At[b + k] = u;
    b += nBytes;
    u += units;
  }
  utf16At[b] = text.length;
  charStart[b] = 1;

  const n = ids.length;
  // Locals, not fields of the result, inside the loop: V8 keeps them in registers.
  const byteStart = new Uint32Array(n);
  const byteEnd = new Uint32Array(n);
  const start = new Uint32Array(n);
  const end = new Uint32Array(n);
  const partial = new Uint8Array(n);
  const group = new Int32Array(n).fill(-1);
  const spans: SpanArrays = { byteStart, byteEnd, start, end, partial, group };
  let at = 0;
  for (let i = 0; i < n; i++) {
    const bytes = source.tokenBytes(ids[i]);
    const len = bytes.length;
    if (at + len > expected.length) throw mismatch(i, ids[i], Math.max(at, expected.length));
    for (let k = 0; k < len; k++) if (bytes[k] !== expected[at + k]) throw mismatch(i, ids[i], at + k);
    const last = at + len;
    const startsInside = charStart[at] === 0;
    // The end of the character holding the token's last byte.
    let e = last;
    while (charStart[e] === 0) e++;
    byteStart[i] = at;
    byteEnd[i] = last;
    start[i] = utf16At[at];
    end[i] = utf16At[e];
    partial[i] = startsInside || e !== last ? 1 : 0;
    if (startsInside) {
      if (group[i - 1] < 0) group[i - 1] = i - 1;
      group[i] = group[i - 1];
    }
    at = last;
  }
  if (at !== expected.length) {
    throw new SpanMismatchError(`the tokens cover ${at} of the text's ${expected.length} bytes`);
  }
  return spans;
}

/**
 * The spans of `ids` over `text` (ids as the encoder gave them for this text), one object per token. Throws
 * SpanMismatchError when the tokens' bytes are not the text's bytes, naming the first byte that differs.
 */
export function tokenSpans(text: string, ids: ArrayLike<number>, source: TokenBytesSource): TokenSpan[] {
  const a = spanArrays(text, ids, source);
  const spans: TokenSpan[] = [];
  for (let i = 0; i < ids.length; i++) {
    const group = a.group[i] < 0 ? null : a.group[i];
    const span: TokenSpan = {
      index: i,
      id: ids[i],
      byteStart: a.byteStart[i],
      byteEnd: a.byteEnd[i],
      start: a.start[i],
      end: a.end[i],
      partial: a.partial[i] === 1,
      group,
    };
    if (group !== null) span.hex = hexOf(source.tokenBytes(ids[i]));
    spans.push(span);
  }
  return spans;
}
