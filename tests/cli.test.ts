import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tiktoken } from 'tiktoken';
import { parseVocabulary } from '../src/bpe/formats/vocab-json.js';
import { tokenlab } from './cli-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenlab-cli-'));
process.env.TOKENLAB_DATA = join(tmp, 'data'); // the commands below inherit it

const corpus = join(tmp, 'corpus.txt');
writeFileSync(
  corpus,
  Array.from({ length: 400 }, (_, i) => `第${i}章：深度学习中的优化算法。Chapter ${i}: optimization in deep learning.\n`).join(''),
);

describe('tokenlab CLI', () => {
  it('trains with --json and writes our vocabulary format', async () => {
    const out = join(tmp, 'v.json');
    const { code, stdout } = await tokenlab(
      'train',
      '--corpus',
      corpus,
      '--vocab-size',
      '400',
      '--pattern',
      'cjk',
      '--special',
      '<|endoftext|>,<|pad|>',
      '--out',
      out,
      '--json',
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ merges: 142, vocabSize: 400, pattern: 'cjk', invalidUtf8: 0 });
    expect(summary.seconds).toBeGreaterThan(0);
    expect(summary.peakRssMB).toBeGreaterThan(10);
    expect(summary.bytesPerToken).toBeGreaterThan(1.5);
    const vocab = parseVocabulary(readFileSync(out, 'utf8'));
    expect(vocab.tokens.length).toBe(398);
    expect(vocab.specials).toEqual([
      { text: '<|endoftext|>', id: 398 },
      { text: '<|pad|>', id: 399 },
    ]);
    expect(vocab.training?.corpora).toEqual([{ name: corpus, bytes: readFileSync(corpus).length }]);
  });

  it('exports and imports tiktoken ranks and tokenizer.json', async () => {
    const vocab = join(tmp, 'e.json');
    await tokenlab('train', '--corpus', corpus, '--vocab-size', '350', '--pattern', 'gpt2', '--out', vocab, '--json');
    const original = parseVocabulary(readFileSync(vocab, 'utf8'));
    for (const format of ['tiktoken', 'hf']) {
      const file = join(tmp, `e.${format}`);
      expect((await tokenlab('export', '--vocab', vocab, '--format', format, '--out', file)).code).toBe(0);
      const back = join(tmp, `back-${format}.json`);
      const args = ['import', '--format', format, '--in', file, '--out', back];
      if (format === 'tiktoken') args.push('--pattern', 'gpt2');
      expect((await tokenlab(...args)).code).toBe(0);
      const imported = parseVocabulary(readFileSync(back, 'utf8'));
      expect(imported.tokens).toEqual(original.tokens);
      expect(imported.pattern).toBe('gpt2');
    }
  });

  it('exports tiktoken ranks with the pattern and special tokens tiktoken needs, which encode as tokenlab does', async () => {
    const vocab = join(tmp, 'cjk.json');
    await tokenlab(
      'train',
      '--corpus',
      corpus,
      '--vocab-size',
      '400',
      '--pattern',
      'cjk',
      '--special',
      '<|end|>',
      '--out',
      vocab,
      '--json',
    );
    const ranks = join(tmp, 'cjk.tiktoken');
    const exported = await tokenlab('export', '--vocab', vocab, '--format', 'tiktoken', '--out', ranks);
    const v = parseVocabulary(readFileSync(vocab, 'utf8'));
    expect(exported.stderr.trim()).toBe(
      `wrote ${v.tokens.length} ranks to ${ranks}; tiktoken also needs the pattern (cjk) and the 1 special token(s), written to ${ranks}.args.json as {"pat_str", "special_tokens"}`,
    );
    const args = JSON.parse(readFileSync(`${ranks}.args.json`, 'utf8')) as { pat_str: string; special_tokens: Record<string, number> };
    expect(args.special_tokens).toEqual({ '<|end|>': v.specials[0].id });
    const tk = new Tiktoken(readFileSync(ranks, 'utf8'), args.special_tokens, args.pat_str);
    const text = '分词器 tokenizes 中文 and English, 2025年 😀<|end|>';
    const ours = JSON.parse((await tokenlab('encode', '--tokenizer', vocab, '--special', 'allow', '--json', text)).stdout) as {
      ids: number[];
    };
    expect(Array.from(tk.encode(text, 'all'))).toEqual(ours.ids);
    tk.free();
  });

  it('says what is wrong: unknown pattern or command, missing options and files', async () => {
    const bad = await tokenlab('train', '--corpus', corpus, '--vocab-size', '300', '--pattern', 'nope', '--out', join(tmp, 'x.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown pattern "nope": use one of gpt2, cl100k, o200k, cjk/);
    expect((await tokenlab('frobnicate')).stderr).toMatch(/unknown command "frobnicate"/);
    expect((await tokenlab('train', '--pattern', 'gpt2')).stderr).toMatch(/--corpus FILE is required/);
    const missing = await tokenlab(
      'train',
      '--corpus',
      join(tmp, 'none.txt'),
      '--vocab-size',
      '300',
      '--pattern',
      'gpt2',
      '--out',
      join(tmp, 'y.json'),
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.txt: no such file, and no bundled corpus named/);
    const small = await tokenlab('train', '--corpus', corpus, '--vocab-size', '100', '--pattern', 'gpt2', '--out', join(tmp, 'z.json'));
    expect(small.stderr).toMatch(/too small/);
    const tiktoken = await tokenlab('import', '--format', 'tiktoken', '--in', corpus, '--out', join(tmp, 'w.json'));
    expect(tiktoken.stderr).toMatch(/--pattern/);
  });

  it('evaluates tokenizers on a corpus file, as a table or one JSON object per tokenizer', async () => {
    const vocab = join(tmp, 'eval.json');
    await tokenlab('train', '--corpus', corpus, '--vocab-size', '500', '--pattern', 'cjk', '--out', vocab, '--json');
    const { code, stdout } = await tokenlab('eval', '--tokenizers', `cl100k_base,${vocab}`, '--corpus', corpus, '--json');
    expect(code).toBe(0);
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((r) => r.tokenizer)).toEqual(['cl100k_base', vocab]);
    for (const r of rows) {
      expect(r.bytes).toBe(readFileSync(corpus).length);
      expect(r.bytesPerToken).toBeCloseTo(r.bytes / r.tokens, 9);
      expect(r.tokensPerHan).toBeGreaterThan(0);
    }
    // Trained on this very text, the custom vocabulary needs fewer tokens than cl100k.
    expect(rows[1].tokens).toBeLessThan(rows[0].tokens);
    const table = await tokenlab('eval', '--tokenizers', 'o200k_base', '--corpus', corpus);
    expect(table.stdout).toMatch(/tokenizer\s+tokens\s+bytes\/token/);
    expect(table.stdout).toMatch(/^o200k_base\s+\d+/m);
  });

  it('evaluates a bundled corpus by name, whole or one part of its split', async () => {
    const { code, stdout } = await tokenlab('eval', '--tokenizers', 'cl100k_base', '--corpus', 'parallel-zh-en:heldout', '--json');
    expect(code).toBe(0);
    const whole = JSON.parse((await tokenlab('eval', '--tokenizers', 'cl100k_base', '--corpus', 'parallel-zh-en', '--json')).stdout);
    expect(JSON.parse(stdout).bytes).toBeLessThan(whole.bytes);
    const tax = JSON.parse(
      (await tokenlab('eval', '--tokenizers', 'cl100k_base', '--corpus', 'parallel-zh-en', '--parallel', '--json')).stdout,
    );
    expect(tax.languageTax).toBeGreaterThan(1); // cl100k spends more tokens on the Chinese side
    expect((await tokenlab('eval', '--tokenizers', 'cl100k_base', '--corpus', 'no-such-corpus')).stderr).toMatch(
      /no such file, none of your corpora is no-such-corpus \(tokenlab corpus list\), and no bundled corpus named no-such-corpus/,
    );
  });

  it('refuses a corpus that is not UTF-8 and an unknown tokenizer', async () => {
    const bad = join(tmp, 'bad.txt');
    writeFileSync(bad, Buffer.from([0x61, 0xff, 0x62]));
    expect((await tokenlab('eval', '--tokenizers', 'cl100k_base', '--corpus', bad)).stderr).toMatch(/not valid UTF-8/);
    expect((await tokenlab('eval', '--tokenizers', 'nope', '--corpus', corpus)).stderr).toMatch(/unknown tokenizer "nope"/);
  });

  it('adds, lists, uses and removes a user corpus', async () => {
    const add = await tokenlab('corpus', 'add', '--name', 'mine', '--file', corpus);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^added mine: \d+ bytes, 400 lines/);
    const listed = (await tokenlab('corpus', 'list', '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(listed.find((c) => c.name === 'mine')).toMatchObject({ kind: 'user', lines: 400 });
    expect(listed.find((c) => c.name === 'parallel-zh-en')).toMatchObject({ kind: 'bundled', lines: 30 });
    const bytesOf = async (arg: string) =>
      (JSON.parse((await tokenlab('eval', '--tokenizers', 'cl100k_base', '--corpus', arg, '--json')).stdout) as { bytes: number }).bytes;
    expect(await bytesOf('mine')).toBe(readFileSync(corpus).length);
    // its split, as the lab's forms use it: the two parts share out its lines
    const [train, heldOut] = [await bytesOf('mine:train'), await bytesOf('mine:heldout')];
    expect(heldOut).toBeGreaterThan(0);
    expect(train + heldOut).toBe(readFileSync(corpus).length);
    const trained = await tokenlab(
      'train',
      '--corpus',
      'mine:train',
      '--vocab-size',
      '300',
      '--pattern',
      'gpt2',
      '--out',
      join(tmp, 'mine.json'),
    );
    expect(trained.code, trained.stderr).toBe(0);
    expect((await tokenlab('eval', '--tokenizers', 'cl100k_base', '--corpus', 'mine:test')).stderr).toMatch(/the part is train or heldout/);
    expect((await tokenlab('corpus', 'remove', '--name', 'mine')).code).toBe(0);
    expect((await tokenlab('corpus', 'list', '--json')).stdout).not.toMatch(/"mine"/);
    const bad = await tokenlab('corpus', 'add', '--name', '../escape', 'text');
    expect(bad.stderr).toMatch(/is not allowed/);
  });
});
