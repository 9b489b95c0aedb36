/**
 * The infini-gram engine on a real corpus: ../shared/corpora/d2l-zh.txt, one line a document, encoded with
 * cl100k_base. count and next on sampled queries (spans of the corpus, spans of d2l-en.txt, spans with a token
 * changed) equal one pass over the token stream with no index.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildInfiniGram } from '../src/lm/infgram/build.js';
import { count } from '../src/lm/infgram/count.js';
import type { InfiniGramIndex } from '../src/lm/infgram/index.js';
import { nextTokens } from '../src/lm/infgram/next-tokens.js';
import { tiktokenEncoding } from '../src/store/tokenizers.js';
import { lcg } from './random.js';
import { HAVE_SHARED, needsShared, sharedPath } from './shared.js';

const SEPARATOR = -1;

/** The lines' tokens in one array, a separator after each line. */
function flatten(lines: number[][]): Int32Array {
  const flat = new Int32Array(lines.reduce((s, l) => s + l.length + 1, 0));
  let at = 0;
  for (const line of lines) {
    flat.set(line, at);
    at += line.length;
    flat[at++] = SEPARATOR;
  }
  return flat;
}

function scanCount(flat: Int32Array, ids: number[]): number {
  let n = 0;
  for (let i = 0; i + ids.length <= flat.length; i++) {
    let k = 0;
    while (k < ids.length && flat[i + k] === ids[k]) k++;
    if (k === ids.length) n++;
  }
  return n;
}

/** For every token, how many context tokens end right before it (back to its line's start); the longest win. */
function scanNext(flat: Int32Array, context: number[]): { suffixLength: number; ids: number[]; counts: number[] } {
  let best = 0;
  const next = new Map<number, number>();
  for (let j = 0; j < flat.length; j++) {
    if (flat[j] === SEPARATOR) continue;
    let k = 0;
    while (k < context.length && j - k - 1 >= 0 && flat[j - k - 1] === context[context.length - 1 - k]) k++;
    if (k > best) {
      best = k;
      next.clear();
    }
    if (k === best) next.set(flat[j], (next.get(flat[j]) ?? 0) + 1);
  }
  const entries = [...next].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return { suffixLength: best, ids: entries.map((e) => e[0]), counts: entries.map((e) => e[1]) };
}

describe('infini-gram on d2l-zh.txt (cl100k_base)', () => {
  let lines: number[][] = [];
  let other: number[][] = [];
  let index: InfiniGramIndex;
  let flat: Int32Array;
  if (HAVE_SHARED) {
    const tokenizer = tiktokenEncoding('cl100k_base');
    lines = readFileSync(sharedPath('corpora', 'd2l-zh.txt'), 'utf8')
      .split('\n')
      .map((l) => tokenizer.encodeOrdinary(l));
    other = readFileSync(sharedPath('corpora', 'd2l-en.txt'), 'utf8')
      .split('\n')
      .map((l) => tokenizer.encodeOrdinary(l))
      .filter((l) => l.length > 0);
    index = buildInfiniGram(lines, { tokenizer: 'cl100k_base', source: 'd2l-zh.txt' });
    flat = flatten(lines);
  }
  const rand = lcg(20);
  const nonEmpty = () => lines.filter((l) => l.length > 0);

  /** A span of a random line of `from`, at most `maxLength` tokens. */
  function span(from: number[][], maxLength: number): number[] {
    const line = from[Math.floor(rand() * from.length)];
    const start = Math.floor(rand() * line.length);
    return line.slice(start, start + 1 + Math.floor(rand() * maxLength));
  }

  it.skipIf(!HAVE_SHARED)(needsShared('count equals a scan, on spans of the corpus, of d2l-en and with a token changed'), () => {
    const corpusLines = nonEmpty();
    for (let q = 0; q < 60; q++) {
      const ids = span(q % 3 === 1 ? other : corpusLines, 8);
      if (q % 3 === 2) ids[Math.floor(rand() * ids.length)] = ids[0] + 1;
      expect(count(index, ids), JSON.stringify(ids)).toBe(scanCount(flat, ids));
    }
    expect(index.tokenCount).toBe(lines.reduce((s, l) => s + l.length, 0));
  });

  it.skipIf(!HAVE_SHARED)(needsShared('next equals a scan: the longest followed suffix and its whole distribution'), () => {
    const corpusLines = nonEmpty();
    for (let q = 0; q < 30; q++) {
      const context = span(q % 2 === 1 ? other : corpusLines, 50);
      const got = nextTokens(index, context);
      const want = scanNext(flat, context);
      expect({ suffixLength: got.suffixLength, ids: Array.from(got.ids), counts: Array.from(got.counts) }, JSON.stringify(context)).toEqual(
        want,
      );
      expect(got.count).toBe(want.counts.reduce((a, b) => a + b, 0));
    }
  });
});
