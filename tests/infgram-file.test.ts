/**
 * The infini-gram index file (src/lm/infgram/index-file.ts, src/store/infgram-files.ts): written and read back,
 * it answers as the index it was made from; damage, truncation, another version and foreign bytes are refused
 * with messages that say so.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInfiniGram } from '../src/lm/infgram/build.js';
import { count } from '../src/lm/infgram/count.js';
import { find } from '../src/lm/infgram/find.js';
import { decodeInfiniGram, encodeInfiniGram, InfiniGramFileError } from '../src/lm/infgram/index-file.js';
import { nextTokens } from '../src/lm/infgram/next-tokens.js';
import { readInfiniGramFile, writeInfiniGramFile } from '../src/store/infgram-files.js';
import { randomLines } from './random.js';

const lines = randomLines(3, 400, 300).map((line, i) => (i % 7 === 0 ? [] : line.map((id) => id * 401))); // ids above 65535
const index = buildInfiniGram(lines, { tokenizer: 'cl100k_base', source: 'random lines' });
const queries = lines.flatMap((line) => [line.slice(0, 3), line.slice(1, 2), line.slice(2, 6)]).slice(0, 300);

function sameAnswers(a: typeof index, b: typeof index): void {
  for (const q of queries) {
    expect(count(b, q)).toBe(count(a, q));
    expect(nextTokens(b, q)).toEqual(nextTokens(a, q));
    expect(find(b, q, { limit: 3 })).toEqual(find(a, q, { limit: 3 }));
  }
}

describe('infini-gram index file', () => {
  it('round trip through a file: the same info and the same answers', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tokenlab-infgram-')), 'x.infgram');
    const bytes = await writeInfiniGramFile(path, index);
    expect(readFileSync(path).length).toBe(bytes);
    const back = await readInfiniGramFile(path);
    expect(back.info).toEqual({ tokenizer: 'cl100k_base', source: 'random lines' });
    expect([back.tokenCount, back.lineCount]).toEqual([index.tokenCount, index.lineCount]);
    sameAnswers(index, back);
  });

  it('reads the arrays in place (views of the bytes, no copies)', () => {
    const bytes = encodeInfiniGram(index);
    const back = decodeInfiniGram(bytes);
    for (const a of [back.vocabulary, back.text.words, back.suffixes.words, back.lineStarts.words]) expect(a.buffer).toBe(bytes.buffer);
  });

  it('a damaged byte is a checksum mismatch', () => {
    const bytes = encodeInfiniGram(index);
    for (const at of [30, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const damaged = bytes.slice();
      damaged[at] ^= 0x10;
      expect(() => decodeInfiniGram(damaged)).toThrow(/damaged infini-gram index file: checksum mismatch/);
    }
  });

  it('a truncated file says how much is missing, naming the file', async () => {
    const bytes = encodeInfiniGram(index);
    expect(() => decodeInfiniGram(bytes.slice(0, bytes.length - 8))).toThrow(/truncated infini-gram index file: \d+ of \d+ bytes/);
    expect(() => decodeInfiniGram(bytes.slice(0, 10))).toThrow(InfiniGramFileError);
    const path = join(mkdtempSync(join(tmpdir(), 'tokenlab-infgram-')), 'cut.infgram');
    writeFileSync(path, bytes.slice(0, 200));
    await expect(readInfiniGramFile(path)).rejects.toThrow(/cut\.infgram: truncated infini-gram index file: 200 of \d+ bytes/);
  });

  it('another format version and foreign bytes are refused', () => {
    const bytes = encodeInfiniGram(index);
    const other = bytes.slice();
    new DataView(other.buffer).setUint32(8, 99, true);
    expect(() => decodeInfiniGram(other)).toThrow(/infini-gram index format version 99; this tokenlab reads version 1/);
    const model = bytes.slice();
    model.set(new TextEncoder().encode('TOKLABLM'), 0);
    expect(() => decodeInfiniGram(model)).toThrow(/not a tokenlab infini-gram index file \(no TOKLABIG magic\)/);
  });

  it('an empty corpus round-trips', () => {
    const empty = decodeInfiniGram(encodeInfiniGram(buildInfiniGram([[], []], { tokenizer: 'x' })));
    expect([empty.tokenCount, empty.lineCount, count(empty, [1]), count(empty, [])]).toEqual([0, 2, 0, 0]);
    expect(nextTokens(empty, [1]).count).toBe(0);
  });
});
