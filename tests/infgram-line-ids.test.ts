/** InfiniGramIndex.lineIds: each line's token ids read back from the index, empty lines included. */
import { describe, expect, it } from 'vitest';
import { buildInfiniGram } from '../src/lm/infgram/build.js';
import { randomLines } from './random.js';

describe('infini-gram lineIds', () => {
  it('gives back every line indexed, empty ones (first, inside, last) as empty', () => {
    const random = randomLines(7, 200, 30);
    expect(random.filter((l) => l.length === 0).length).toBeGreaterThan(5);
    for (const lines of [random, [[], [3, 4], [], [], [4, 3, 3], []], [[], []], [[9]]]) {
      const index = buildInfiniGram(lines, { tokenizer: 'cl100k_base' });
      expect(Array.from({ length: index.lineCount }, (_, l) => Array.from(index.lineIds(l)))).toEqual(lines);
    }
  });
});
