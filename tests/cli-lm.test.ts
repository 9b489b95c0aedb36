import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArpa } from './oracles/arpa-reader.js';
import { scoreText } from '../src/lm/query.js';
import { buildModel } from '../src/lm/model.js';
import { readModelFile, writeModelFile } from '../src/store/lm-files.js';
import { tiktokenEncoding } from '../src/store/tokenizers.js';
import { HAVE_SHARED, needsShared, sharedPath } from './shared.js';
import { tokenlab } from './cli-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenlab-cli-lm-'));
process.env.TOKENLAB_DATA = join(tmp, 'data');

const corpus = join(tmp, 'corpus.txt');
writeFileSync(
  corpus,
  Array.from({ length: 60 }, (_, i) => `第${i % 7}章：深度学习中的优化算法。Chapter ${i % 5}: optimization.\n\n`).join(''),
);
const model = join(tmp, 'm.lm');

describe('tokenlab lm (lab mode)', () => {
  it("builds over a tokenizer's vocabulary and scores text like the library", async () => {
    const built = await tokenlab('lm', 'build', '--tokenizer', 'cl100k_base', '--corpus', corpus, '--order', '4', '--out', model, '--json');
    expect(built.code).toBe(0);
    const summary = JSON.parse(built.stdout);
    expect(summary).toMatchObject({ mode: 'lab', order: 4, tokenizer: 'cl100k_base' });
    expect(summary.ngrams).toHaveLength(4);
    expect(summary.bytesPerNgram).toBeGreaterThan(0);
    const text = '第3章：深度学习中的优化算法。\nChapter 9: optimization.';
    const scored = await tokenlab('lm', 'score', '--model', model, '--json', text);
    expect(scored.code).toBe(0);
    const s = JSON.parse(scored.stdout);
    const lm = await readModelFile(model);
    expect(lm.info).toMatchObject({ mode: 'lab', tokenizer: 'cl100k_base', source: { corpus, sequences: 60 } });
    const expected = scoreText(lm, tiktokenEncoding('cl100k_base'), text);
    expect(s).toMatchObject({ tokens: expected.tokens, sequences: 2, bytes: Buffer.byteLength(text) });
    for (const key of ['log2prob', 'perplexity', 'bitsPerByte'] as const) expect(s[key]).toBeCloseTo(expected[key], 10);
    const file = join(tmp, 'text.txt');
    writeFileSync(file, text);
    expect(JSON.parse((await tokenlab('lm', 'score', '--model', model, '--file', file, '--json')).stdout)).toEqual(s);
    const perToken = JSON.parse((await tokenlab('lm', 'score', '--model', model, '--file', file, '--json', '--per-token')).stdout);
    type Scored = Array<{ id: number; log2prob: number; order: number }>;
    const lines = perToken.lines as Scored[];
    // each line's tokens, then </s> (id -2)
    expect(lines.map((l) => l.map((t) => t.id))).toEqual(
      text.split('\n').map((l) => [...tiktokenEncoding('cl100k_base').encodeOrdinary(l), -2]),
    );
    expect(lines.flat().reduce((a, t) => a + t.log2prob, 0)).toBeCloseTo(s.log2prob, 10);
  });

  it('next: the most probable tokens after a text, in order', async () => {
    const r = await tokenlab('lm', 'next', '--model', model, '--top', '3', '--json', 'Chapter 3:');
    expect(r.code).toBe(0);
    const next = JSON.parse(r.stdout);
    expect(next.top).toHaveLength(3);
    expect(next.top[0].text).toBe(' optimization');
    expect(next.top[0].prob).toBeGreaterThanOrEqual(next.top[1].prob);
    expect(next.matched).toBe(3);
    // a token that is part of a character is shown as its bytes
    const zh = JSON.parse((await tokenlab('lm', 'next', '--model', model, '--top', '40', '--json', '第3章：深')).stdout);
    expect(zh.top.some((t: { text: string }) => /^(\\x[0-9a-f]{2})+$/.test(t.text))).toBe(true);
    // as text: whole characters quoted, a cut character's bytes bare (not "\\xe6")
    const lines = (await tokenlab('lm', 'next', '--model', model, '--top', '40', '第3章：深')).stdout.split('\n');
    expect(lines.some((l) => /^[\d.]+\t(\\x[0-9a-f]{2})+\t\d+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^[\d.]+\t".+"\t\d+$/.test(l))).toBe(true);
  });

  it('sample: the same seed gives the same text; --max-tokens bounds it', async () => {
    const args = ['lm', 'sample', '--model', model, '--seed', '7', '--top-k', '5', '--max-tokens', '12', '--json', '第'];
    const a = JSON.parse((await tokenlab(...args)).stdout);
    expect(JSON.parse((await tokenlab(...args)).stdout)).toEqual(a);
    expect(a.tokens.length).toBeLessThanOrEqual(12);
    expect(a.text).toBe(tiktokenEncoding('cl100k_base').decode(a.tokens));
    const bad = await tokenlab('lm', 'sample', '--model', model, '--temperature', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/temperature must be > 0/);
  });

  it('export-arpa writes every n-gram', async () => {
    const arpa = join(tmp, 'm.arpa');
    expect((await tokenlab('lm', 'export-arpa', '--model', model, '--out', arpa)).code).toBe(0);
    expect(parseArpa(readFileSync(arpa, 'utf8')).counts).toEqual((await readModelFile(model)).ngramCounts);
  });

  it('says what is wrong: a damaged model file, missing options, a wrong subcommand', async () => {
    const cut = join(tmp, 'cut.lm');
    writeFileSync(cut, readFileSync(model).subarray(0, 200));
    const damaged = await tokenlab('lm', 'score', '--model', cut, 'text');
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/cut\.lm: truncated model file: 200 of \d+ bytes/);
    expect((await tokenlab('lm', 'build', '--tokenizer', 'cl100k_base', '--corpus', corpus)).stderr).toMatch(/--out is required/);
    expect((await tokenlab('lm', 'build', '--kenlm-compat', '--corpus', corpus, '--out', cut)).stderr).toMatch(
      /--kenlm-compat needs --ids/,
    );
    const wrong = await tokenlab('lm', 'frobnicate');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/lm takes one of build, score, next, sample, export-arpa/);
  });
});

describe('tokenlab lm: ids over a tokenizer, and the tokenizer a model records', () => {
  it('builds a lab-mode model from an id file with --tokenizer; ids outside the vocabulary are refused', async () => {
    const ids = join(tmp, 'lab.ids');
    writeFileSync(ids, '9906 1917\n9906\n');
    const out = join(tmp, 'lab-ids.lm');
    const built = JSON.parse(
      (await tokenlab('lm', 'build', '--ids', ids, '--tokenizer', 'cl100k_base', '--order', '2', '--out', out, '--json')).stdout,
    );
    expect(built).toMatchObject({ mode: 'lab', tokenizer: 'cl100k_base', ngrams: [5, 4] }); // <s> a, a b, b </s>, a </s>
    expect((await readModelFile(out)).info.vocabularySize).toBe(tiktokenEncoding('cl100k_base').nVocab);
    writeFileSync(ids, '9906 999999999\n');
    const outside = await tokenlab('lm', 'build', '--ids', ids, '--tokenizer', 'cl100k_base', '--out', out);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/token 999999999 is outside the vocabulary/);
    expect((await tokenlab('lm', 'build', '--ids', ids, '--out', out)).stderr).toMatch(/--ids takes --kenlm-compat or --tokenizer/);
  });

  it('refuses to score with a tokenizer whose vocabulary is not the one the model was built over', async () => {
    const out = join(tmp, 'mismatch.lm');
    await writeModelFile(out, buildModel([[1, 2, 3]], { order: 2, vocabularySize: 500, tokenizer: 'cl100k_base' }));
    const r = await tokenlab('lm', 'score', '--model', out, 'text');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/built over 500 token ids, but cl100k_base now has \d+/);
  });
});

describe('tokenlab lm (KenLM-compatible mode)', () => {
  it('builds from an id file and scores id lines (kenlm models take ids, not text)', async () => {
    const ids = join(tmp, 'train.ids');
    writeFileSync(ids, '5 6 7\n5 6 8\n\n9\n');
    const out = join(tmp, 'k.lm');
    const built = JSON.parse(
      (await tokenlab('lm', 'build', '--ids', ids, '--kenlm-compat', '--order', '2', '--out', out, '--json')).stdout,
    );
    expect(built).toMatchObject({ mode: 'kenlm', tokenizer: null, ngrams: [8, 9] });
    const s = JSON.parse((await tokenlab('lm', 'score', '--model', out, '--ids', ids, '--json')).stdout);
    expect(s).toMatchObject({ sequences: 4, tokens: 7, oov: 0 });
    expect((await tokenlab('lm', 'score', '--model', out, 'text')).stderr).toMatch(/score it with --ids FILE/);
    expect(
      JSON.parse((await tokenlab('lm', 'next', '--model', out, '--json', '5 6')).stdout)
        .top.map((t: { id: number }) => t.id)
        .slice(0, 2)
        .sort(),
    ).toEqual([7, 8]);
  });

  it.skipIf(!HAVE_SHARED)(needsShared("reproduces KenLM's query3.txt total over test.ids"), async () => {
    const out = join(tmp, 'k3.lm');
    expect(
      (await tokenlab('lm', 'build', '--ids', sharedPath('fixtures/kenlm/train.ids'), '--kenlm-compat', '--order', '3', '--out', out)).code,
    ).toBe(0);
    const s = JSON.parse((await tokenlab('lm', 'score', '--model', out, '--ids', sharedPath('fixtures/kenlm/test.ids'), '--json')).stdout);
    const totals = readFileSync(sharedPath('fixtures/kenlm/query3.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Total:'));
    const sum = totals.reduce((a, l) => a + Number(/^Total: (\S+)/.exec(l)![1]), 0);
    const oov = totals.reduce((a, l) => a + Number(/OOV: (\d+)/.exec(l)![1]), 0);
    expect(Math.abs(s.log10prob - sum)).toBeLessThan(400 * 2.5e-5);
    expect(s.oov).toBe(oov);
  });
});
