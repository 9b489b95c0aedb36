import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import { Encoder } from '../src/bpe/encode/encoder.js';
import { serializeVocabulary } from '../src/bpe/formats/vocab-json.js';
import { runTokenlab } from './cli-run.js';
import { freeTiktokenPeers, tiktokenPeer } from './tiktoken-peer.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenlab-cli-encode-'));
afterAll(freeTiktokenPeers);

const TEXT = 'Hello, 世界! 深度学习 🙂 tokens.';

describe('tokenlab encode / decode', () => {
  it('encodes with a tiktoken name: plain, --count and --json, same ids as tiktoken', async () => {
    const expected = Array.from(tiktokenPeer('o200k_base').encode(TEXT));
    const plain = await runTokenlab(['encode', '--tokenizer', 'o200k_base', TEXT]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(`${expected.join(' ')}\n`);
    const count = await runTokenlab(['encode', '--tokenizer', 'o200k_base', '--count', TEXT]);
    expect(count.stdout).toBe(`${expected.length}\n`);
    const json = await runTokenlab(['encode', '--tokenizer', 'o200k_base', '--json', TEXT]);
    expect(JSON.parse(json.stdout)).toEqual({ tokenizer: 'o200k_base', count: expected.length, ids: expected });
  });

  it('encodes a --file and standard input; decode gives back the exact bytes', async () => {
    const file = join(tmp, 'in.txt');
    writeFileSync(file, TEXT);
    const fromFile = await runTokenlab(['encode', '--tokenizer', 'cl100k_base', '--file', file]);
    const fromStdin = await runTokenlab(['encode', '--tokenizer', 'cl100k_base'], TEXT);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
    const ids = fromFile.stdout.trim().split(' ');
    const back = await runTokenlab(['decode', '--tokenizer', 'cl100k_base', ...ids]);
    expect(back.code).toBe(0);
    expect(back.stdout).toBe(TEXT);
    // ids from a file, as encode --json writes them, and from standard input
    const idsFile = join(tmp, 'ids.json');
    writeFileSync(idsFile, (await runTokenlab(['encode', '--tokenizer', 'cl100k_base', '--json', TEXT])).stdout);
    expect((await runTokenlab(['decode', '--tokenizer', 'cl100k_base', '--file', idsFile])).stdout).toBe(TEXT);
    expect((await runTokenlab(['decode', '--tokenizer', 'cl100k_base'], ids.join('\n'))).stdout).toBe(TEXT);
  });

  it('decodes a split character as its bytes, exactly', async () => {
    const ids = Array.from(tiktokenPeer('cl100k_base').encode('🙂'));
    expect(ids.length).toBeGreaterThan(1);
    const first = await runTokenlab(['decode', '--tokenizer', 'cl100k_base', String(ids[0])]);
    expect(first.code).toBe(0);
    expect(Buffer.from('🙂').subarray(0, first.raw.length).equals(first.raw)).toBe(true);
  });

  it('works with a vocabulary file', async () => {
    const vocab = trainOnTexts(['深度学习 深度学习 hello hello world'], { pattern: 'gpt2', vocabSize: 280, specials: ['<|end|>'] });
    const path = join(tmp, 'v.json');
    writeFileSync(path, serializeVocabulary(vocab));
    const expected = new Encoder(vocab).encode('深度学习 hello');
    const json = await runTokenlab(['encode', '--tokenizer', path, '--json', '深度学习 hello']);
    expect(JSON.parse(json.stdout)).toEqual({ tokenizer: path, count: expected.length, ids: expected });
    expect((await runTokenlab(['decode', '--tokenizer', path, ...expected.map(String)])).stdout).toBe('深度学习 hello');
  });

  it('special tokens: refused by default, allowed, or encoded as text', async () => {
    const text = 'a<|endoftext|>b';
    const refused = await runTokenlab(['encode', '--tokenizer', 'gpt2', text]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/special token "<\|endoftext\|>".*--special allow.*--special text/);
    const tk = tiktokenPeer('gpt2');
    const allowed = Array.from(tk.encode(text, 'all'));
    const ordinary = Array.from(tk.encode_ordinary(text));
    expect((await runTokenlab(['encode', '--tokenizer', 'gpt2', '--special', 'allow', text])).stdout).toBe(`${allowed.join(' ')}\n`);
    expect((await runTokenlab(['encode', '--tokenizer', 'gpt2', '--special', 'text', text])).stdout).toBe(`${ordinary.join(' ')}\n`);
    expect(allowed).toContain(50256);
    const counted = await runTokenlab(['encode', '--tokenizer', 'gpt2', '--special', 'text', '--count', text]);
    expect(counted.stdout).toBe(`${ordinary.length}\n`);
  });

  it('clear errors: unknown tokenizer, missing file, invalid and unknown ids', async () => {
    const unknown = await runTokenlab(['encode', '--tokenizer', 'cl100k', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown tokenizer "cl100k".*gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base/);
    const missing = await runTokenlab(['encode', '--tokenizer', join(tmp, 'nope.json'), 'x']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    const noTokenizer = await runTokenlab(['decode', '1']);
    expect(noTokenizer.stderr).toMatch(/--tokenizer is required/);
    const notId = await runTokenlab(['decode', '--tokenizer', 'gpt2', '12', 'x1']);
    expect(notId.code).toBe(2);
    expect(notId.stderr).toMatch(/"x1" \(item 2\) is not a token id/);
    const tooBig = await runTokenlab(['decode', '--tokenizer', 'gpt2', '12', '50257']);
    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toMatch(/gpt2 has no token with id 50257 \(ids run from 0 to 50256\)/);
    const gap = await runTokenlab(['decode', '--tokenizer', 'p50k_base', '50256', '50280']);
    expect(gap.code).toBe(0);
    expect(gap.stdout).toBe('<|endoftext|>' + ' '.repeat(25));
  });
});
