/**
 * Where each token sits in the text, for the pages: its UTF-8 byte range, the UTF-16 span [start, end) of the
 * characters it touches, and whether it holds only part of a character.
 *
 * A token that ends or starts inside a character (a Han character's three bytes split over two tokens) is
 * `partial`; such tokens and their siblings (every token sharing a split character with it, transitively) get
 * the same `group` (the index of the group's first token). Siblings' spans overlap (each covers the whole
 * split character); the spans of ungrouped tokens and the union of each group's spans tile the text, and a
 * group's byte range is the UTF-8 of its characters.
 *
 * Spans come from the tokens' shapes (token-shapes.ts), so the ids must be the encoder's for this very text:
 * only their totals are checked against it. The text's UTF-8 has lone surrogates as EF BF BD (U+FFFD), which
 * is how the encoder sees them: a lone surrogate is one UTF-16 unit for three bytes.
 */
import { ENDS_INSIDE, LAST_ASTRAL, STARTS_INSIDE, tokenShapes, totalsMismatch, type TokenSource } from './token-shapes.js';

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
}

/** Thrown when the ids' bytes are not the text's UTF-8. */
export class SpanMismatchError extends Error {
  override name = 'SpanMismatchError';
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
 * The spans of `ids` over `text` as typed arrays, from the tokens' shapes alone: `ids` must be the encoding of
 * `text`. Throws SpanMismatchError when their bytes or UTF-16 units do not add up to the text's.
 */
export function spanArrays(text: string, ids: ArrayLike<number>, source: TokenSource): SpanArrays {
  const shapes = tokenShapes(source);
  const { bytes, units, chars, flags } = shapes;
  const n = ids.length;
  // Locals, not fields of the result, inside the loop: V8 keeps them in registers.
  const byteStart = new Uint32Array(n);
  const byteEnd = new Uint32Array(n);
  const start = new Uint32Array(n);
  const end = new Uint32Array(n);
  const partial = new Uint8Array(n);
  const group = new Int32Array(n).fill(-1);
  let at = 0; // byte offset of the token
  let u = 0; // UTF-16 units of the characters that started before it
  let charStart = 0; // UTF-16 index of the last character that started before it
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    let len = bytes[id];
    if (!(len > 0)) len = shapes.learn(id);
    const f = flags[id];
    const startsInside = (f & STARTS_INSIDE) !== 0;
    byteStart[i] = at;
    byteEnd[i] = at += len;
    start[i] = startsInside ? charStart : u;
    u += units[id];
    if (chars[id] > 0) charStart = u - (f & LAST_ASTRAL ? 2 : 1);
    end[i] = u; // the end of the character holding the last byte, whole or not
    partial[i] = startsInside || (f & ENDS_INSIDE) !== 0 ? 1 : 0;
    if (startsInside && i > 0) {
      if (group[i - 1] < 0) group[i - 1] = i - 1;
      group[i] = group[i - 1];
    }
  }
  const mismatch = totalsMismatch(text, at, u);
  if (mismatch !== undefined) throw new SpanMismatchError(mismatch);
  return { byteStart, byteEnd, start, end, partial, group };
}

/**
 * The spans of `ids` over `text` (ids as the encoder gave them for this text), one object per token. Throws
 * SpanMismatchError as spanArrays does.
 */
export function tokenSpans(text: string, ids: ArrayLike<number>, source: TokenSource): TokenSpan[] {
  const a = spanArrays(text, ids, source);
  const spans: TokenSpan[] = [];
  for (let i = 0; i < ids.length; i++) {
    spans.push({
      index: i,
      id: ids[i],
      byteStart: a.byteStart[i],
      byteEnd: a.byteEnd[i],
      start: a.start[i],
      end: a.end[i],
      partial: a.partial[i] === 1,
      group: a.group[i] < 0 ? null : a.group[i],
    });
  }
  return spans;
}
