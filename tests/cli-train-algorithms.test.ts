import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { algorithmOf, parseVocabFile } from '../src/bpe/formats/hf-vocab-json.js';
import { tokenlab } from './cli-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenlab-cli-train-'));
process.env.TOKENLAB_DATA = join(tmp, 'data'); // the commands below inherit it
const { loadTokenizer } = await import('../src/store/tokenizers.js');

const corpus = join(tmp, 'corpus.txt');
const text = Array.from(
  { length: 400 },
  (_, i) => `第${i}章：深度学习中的优化算法。By the way, chapter ${i} is on optimization in deep learning, by the way.\n`,
).join('');
writeFileSync(corpus, text);
/** A line of 300 kB with no space: each algorithm bounds it (BPE and SuperBPE cut it, Unigram's pieces are short). */
const pathological = join(tmp, 'one-line.txt');
writeFileSync(pathological, 'ab€'.repeat(100_000) + '\n' + text);

async function train(...args: string[]) {
  const out = join(tmp, `${args.join('-').replace(/[^a-z0-9]+/g, '_')}.json`);
  const run = await tokenlab('train', ...args, '--vocab-size', '500', '--special', '<|endoftext|>', '--out', out, '--json');
  return { ...run, out };
}

describe('tokenlab train --algorithm', () => {
  it.each([
    ['bpe', ['--pattern', 'gpt2']],
    ['superbpe', ['--pattern', 'gpt2', '--transition', '400']],
    ['unigram', []],
  ])('%s trains a vocabulary that reads back, names its algorithm and encodes losslessly', async (algorithm, flags) => {
    const { code, stdout, stderr, out } = await train('--algorithm', algorithm, '--corpus', corpus, ...flags);
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ algorithm, vocabSize: 500, out });
    const file = parseVocabFile(readFileSync(out, 'utf8'));
    expect(algorithmOf(file)).toBe(algorithm);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.version).toBe(algorithm === 'bpe' ? 1 : 3);
    const tokenizer = await loadTokenizer(out);
    const sample = text.slice(0, 2000) + ' unseen: naïve 🤖 text\n';
    expect(tokenizer.decode(tokenizer.encodeOrdinary(sample))).toBe(sample);
    if (algorithm === 'superbpe') expect(summary.transition).toBe(400);
  });

  it('unigram writes the same model with its passes in 2 worker threads as on one thread', async () => {
    const one = await train('--algorithm', 'unigram', '--corpus', corpus, '--threads', '1');
    const two = await train('--algorithm', 'unigram', '--corpus', corpus, '--threads', '2');
    expect([one.code, two.code], one.stderr + two.stderr).toEqual([0, 0]);
    const model = (out: string) => {
      const { training: _, ...rest } = JSON.parse(readFileSync(out, 'utf8'));
      return rest;
    };
    expect(model(two.out)).toEqual(model(one.out));
  });

  it('superbpe takes the paper’s transition by default (90% of the ordinary tokens)', async () => {
    const { code, stdout } = await train('--algorithm', 'superbpe', '--corpus', corpus, '--pattern', 'gpt2');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).transition).toBeLessThanOrEqual(Math.round(499 * 0.9));
  });

  it.each(['superbpe', 'unigram'])(
    '%s trains in bounded time on a long line with no spaces',
    async (algorithm) => {
      const flags = algorithm === 'unigram' ? [] : ['--pattern', 'gpt2'];
      const { code, stderr, stdout } = await train('--algorithm', algorithm, '--corpus', pathological, ...flags);
      expect(code, stderr).toBe(0);
      if (algorithm === 'superbpe') expect(JSON.parse(stdout).cutPieces).toBeGreaterThan(0);
    },
    60_000,
  );

  it('refuses flags an algorithm does not take, and unknown algorithms, clearly', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--algorithm', 'wordpiece', '--pattern', 'gpt2'], /--algorithm takes bpe, superbpe, unigram, not "wordpiece"/],
      [['--algorithm', 'unigram', '--pattern', 'gpt2'], /--pattern does not apply to --algorithm unigram/],
      [['--pattern', 'gpt2', '--transition', '300'], /--transition does not apply to --algorithm bpe/],
      [['--algorithm', 'superbpe', '--pattern', 'gpt2', '--compat', 'hf'], /--compat does not apply to --algorithm superbpe/],
      [['--algorithm', 'superbpe', '--pattern', 'gpt2', '--transition', '600'], /--transition must be from 256 to the vocabulary size/],
      [['--algorithm', 'unigram', '--vocab-size', '260'], /vocabulary size 260 is below/],
    ];
    for (const [flags, message] of cases) {
      const out = join(tmp, 'never.json');
      const size = flags.includes('--vocab-size') ? [] : ['--vocab-size', '500'];
      const run = await tokenlab('train', '--corpus', corpus, ...size, ...flags, '--out', out);
      expect(run.code, flags.join(' ')).not.toBe(0);
      expect(run.stderr).toMatch(message);
    }
  });
});
