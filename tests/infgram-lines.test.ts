/** `InfiniGramIndex.lineIds`: each line's tokens read back from the index equal the lines it was built from. */
import { describe, expect, it } from 'vitest';
import { buildInfiniGram } from '../src/lm/infgram/build.js';
import { decodeInfiniGram, encodeInfiniGram } from '../src/lm/infgram/index-file.js';
import { randomLines } from './random.js';

// empty lines inside, at the start and at the end
const lines = [[], ...randomLines(5, 300, 40).map((line, i) => (i % 5 === 0 ? [] : line.map((id) => id * 977))), [], []];

describe('the lines of an index', () => {
  it('gives back every line, empty ones included, before and after a file round trip', () => {
    const index = buildInfiniGram(lines, { tokenizer: 'x' });
    const back = decodeInfiniGram(encodeInfiniGram(index));
    for (const i of [index, back]) {
      expect(i.lineCount).toBe(lines.length);
      lines.forEach((line, l) => expect(Array.from(i.lineIds(l)), `line ${l}`).toEqual(line));
    }
  });

  it('refuses a line the corpus does not have', () => {
    const index = buildInfiniGram([[1, 2], []], { tokenizer: 'x' });
    for (const bad of [-1, 2, 0.5, NaN]) expect(() => index.lineIds(bad)).toThrow(/no line/);
  });
});
