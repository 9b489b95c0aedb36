/** The tokenize API's byte writer (src/server/json-bytes.ts): numbers from digit tables, pieces as words. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes, piece, PieceWords, pieceRoom, UINT_ROOM } from '../src/server/json-bytes.js';

const COMMA = piece(',');
const text = (out: JsonBytes) => Buffer.from(out.bytes()).toString('latin1');

/** `xs` written by `uint`, a comma after each, each write given only the room it asks for. */
function written(xs: readonly number[]): string {
  const out = new JsonBytes();
  for (const x of xs) {
    out.room(UINT_ROOM + pieceRoom(COMMA));
    out.n = out.put(out.uint(out.n, x), COMMA);
  }
  return text(out);
}

describe('JsonBytes.uint', () => {
  it('writes every table boundary and the largest 32-bit numbers in decimal', () => {
    const xs = [0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10_000, 10_001, 99_999, 100_000, 1_000_000, 10_009_999];
    xs.push(99_999_999, 100_000_000, 100_000_001, 123_456_789, 999_999_999, 1_000_000_000, 2 ** 32 - 1);
    expect(written(xs)).toBe(xs.map((x) => `${x},`).join(''));
  });

  it('writes any 32-bit unsigned integer as String() does, in any sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 2 ** 32 - 1 }), { maxLength: 50 }), (xs) => {
        expect(written(xs)).toBe(xs.map((x) => `${x},`).join(''));
      }),
      { seed: 20_261_129, numRuns: 300 },
    );
  });

  it('never writes past the room it asks for', () => {
    // At the very end of the buffer: a write past UINT_ROOM would throw (a DataView is bounds-checked).
    for (const x of [7, 12_345, 2 ** 32 - 1]) {
      const out = new JsonBytes();
      const buf = out.room(UINT_ROOM);
      out.n = buf.length - UINT_ROOM;
      expect(() => out.uint(out.n, x)).not.toThrow();
    }
  });
});

describe('PieceWords', () => {
  it('keeps every piece added, of any length, while it grows', () => {
    const words = new PieceWords();
    const strings = Array.from({ length: 3000 }, (_, i) => `,{"id":${i},"bytes":"${'ab'.repeat(i % 70)}","start":`);
    const at = strings.map((s) => words.add(piece(s)));
    const out = new JsonBytes();
    for (let i = 0; i < strings.length; i++) {
      out.room(strings[i].length + 3);
      out.n = out.putWords(out.n, words.words, at[i], strings[i].length);
    }
    expect(text(out)).toBe(strings.join(''));
  });
});
