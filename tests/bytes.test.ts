/** src/bpe/bytes.ts: UTF-8 into a buffer, against TextEncoder. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Into } from '../src/bpe/bytes.js';

const SEED = Number(process.env.TOKENLAB_PROPERTY_SEED ?? 20_261_202);

/** What utf8Into writes for text[start, end), as an array. */
function into(text: string, start: number, end: number): number[] {
  const buf = new Uint8Array(3 * (end - start));
  return Array.from(buf.subarray(0, utf8Into(text, start, end, buf)));
}

describe('utf8Into', () => {
  it('writes what TextEncoder gives for every width, lone surrogates as U+FFFD', () => {
    for (const text of ['', 'a', 'é', '中', '😀', 'a\ud800b', '\udc00', 'x\ud83d', '\ud83d\ud83d\ude00', '中😀é a']) {
      expect(into(text, 0, text.length), JSON.stringify(text)).toEqual(Array.from(new TextEncoder().encode(text)));
    }
  });

  it('encodes a stretch of the text as TextEncoder encodes the stretch (fast-check)', () => {
    const units = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0x61, 0xe9, 0x4e2d, 0xd83d, 0xde00));
    fc.assert(
      fc.property(fc.array(units, { maxLength: 24 }), fc.nat(), fc.nat(), (codes, a, b) => {
        const text = String.fromCharCode(...codes);
        const start = text.length === 0 ? 0 : a % (text.length + 1);
        const end = start + (text.length === start ? 0 : b % (text.length - start + 1));
        expect(into(text, start, end)).toEqual(Array.from(new TextEncoder().encode(text.slice(start, end))));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
