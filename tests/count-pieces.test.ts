import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PieceCounter } from '../src/bpe/train/piece-counter.js';
import { PATTERN_NAMES, splitPieces } from '../src/bpe/pretokenize/patterns.js';
import type { PieceCounts } from '../src/bpe/train/piece-counts.js';
import { countFilePieces } from '../src/jobs/count-pieces.js';
import { firstCut } from '../src/store/text-chunks.js';
import { HAVE_SHARED, sharedPath } from './shared.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenlab-count-'));

/** piece -> count, for comparing counts made in different ways. */
function asMap(p: PieceCounts): Map<string, number> {
  const decoder = new TextDecoder();
  const out = new Map<string, number>();
  for (let i = 0; i < p.counts.length; i++) out.set(decoder.decode(p.bytes.subarray(p.offsets[i], p.offsets[i + 1])), p.counts[i]);
  return out;
}

// Places where a cut without context would change the pieces: spaces before a newline (gpt2's \s+(?!\S)),
// CRLF, a newline before '/' (o200k's [\r\n/]*), blank lines, punctuation before newlines (cl100k's [\r\n]*).
const tricky = [
  'alpha  \nbeta\r\ngamma\n/path\n\n\ndelta.\n\nepsilon \n\t zeta\nsee:\n/usr/bin\n',
  '第一章\n  缩进\n“引号”\n12345\n٣٤٥\n😀👍🏽\n</div>\nx',
  'end without newline  ',
].join('');

describe(`countFilePieces on ${HAVE_SHARED ? 'the head of d2l-zh and ' : ''}tricky text`, () => {
  const text = HAVE_SHARED
    ? readFileSync(sharedPath('corpora/d2l-zh.txt'), 'utf8').slice(0, 200_000) + tricky.repeat(50)
    : tricky.repeat(500);
  const file = join(tmp, 'text.txt');
  writeFileSync(file, text);

  for (const pattern of PATTERN_NAMES) {
    it(`counts the same pieces in small chunks as in one piece of text (${pattern})`, async () => {
      const whole = new PieceCounter(pattern);
      whole.add(text);
      const chunked = await countFilePieces([file], { pattern, threads: 1, chunkChars: 97 });
      expect(asMap(chunked.counts)).toEqual(asMap(whole.result()));
    });
  }

  it('cuts chunks only at piece boundaries of every pattern', () => {
    const cuts = new Set<number>();
    for (let i = 1; i < text.length; i++) if (firstCut(text, 'piece', i) === i) cuts.add(i);
    expect(cuts.size).toBeGreaterThan(100);
    for (const pattern of PATTERN_NAMES) {
      const boundaries = new Set<number>();
      let at = 0;
      for (const piece of splitPieces(text, pattern)) boundaries.add((at += piece.length));
      const missing = [...cuts].filter((i) => !boundaries.has(i)).map((i) => ({ pattern, around: text.slice(i - 5, i + 5) }));
      expect(missing).toEqual([]);
    }
  });

  it('in HF mode, pre-tokenizes every line on its own', async () => {
    const perLine = new PieceCounter('gpt2');
    for (const line of text.split(/(?<=\n)/)) perLine.add(line);
    const chunked = await countFilePieces([file], { pattern: 'gpt2', perLine: true, threads: 1, chunkChars: 97 });
    expect(asMap(chunked.counts)).toEqual(asMap(perLine.result()));
    // ...which differs from splitting the whole text: "  \n" is one piece at a line's end.
    expect(asMap(chunked.counts).get('  \n')).toBeGreaterThan(0);
  });
});
