/**
 * unit-piece-cache.ts keys pieces by their UTF-16 units packed two to an int and zero-padded: a hit must be the piece
 * stored, never one that shares its slot, its packed words or a prefix. Checked against a Map of what was stored,
 * with few slots so that pieces collide; byte-bpe.ts's use of it is checked in hf-byte-bpe.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TOKENS, MAX_UNITS, UnitPieceCache } from '../src/bpe/hf/unit-piece-cache.js';

function cached(cache: UnitPieceCache, piece: string): number[] | undefined {
  const at = cache.find(`<${piece}>`, 1, piece.length + 1); // an offset inside a longer text, as the pipeline has
  if (at < 0) return undefined;
  return Array.from(cache.data.subarray(at + 1, at + 1 + cache.data[at]));
}

describe('UnitPieceCache', () => {
  it('finds a piece only as stored, whatever shares its slot', () => {
    // '\0' pads the last word of a piece of odd length; 'ab' and 'ab\0' pack alike and differ in length.
    const piece = fc
      .array(fc.constantFrom('a', 'b', '\0', '学', '\ud83d', '\ude00'), { minLength: 1, maxLength: MAX_UNITS })
      .map((cs) => cs.join(''));
    const op = fc.tuple(piece, fc.array(fc.integer({ min: 0, max: 1 << 20 }), { minLength: 1, maxLength: MAX_TOKENS }));
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 8), fc.array(op, { maxLength: 60 }), (slots, ops) => {
        const cache = new UnitPieceCache(slots);
        const stored = new Map<string, number[]>();
        for (const [p, tokens] of ops) {
          const got = cached(cache, p);
          if (got !== undefined) expect(got, JSON.stringify(p)).toEqual(stored.get(p));
          else {
            cache.store(p.length, Int32Array.from(tokens), tokens.length);
            stored.set(p, tokens);
            expect(cached(cache, p)).toEqual(tokens);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});
