/** The command line's manners: --version, COMMAND --help for every command, and near misses named. */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { tokenlab } from './cli-run.js';

const COMMANDS = ['train', 'export', 'import', 'encode', 'decode', 'chat', 'eval', 'corpus', 'tokenizers', 'lm', 'infgram'];

describe('tokenlab', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await tokenlab(flag);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(`tokenlab ${version}`);
    }
  });

  it.each(COMMANDS)('%s --help prints its usage and exits 0', async (command) => {
    const { code, stdout, stderr } = await tokenlab(command, '--help');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`tokenlab ${command} `);
    // Only its own lines: no other command's usage.
    const others = COMMANDS.filter((c) => c !== command).map((c) => `  tokenlab ${c} `);
    expect(others.filter((o) => stdout.includes(o))).toEqual([]);
  });

  it('-h is --help, and --help after -- is text', async () => {
    expect((await tokenlab('decode', '-h')).stdout).toContain('tokenlab decode ');
    const { code, stdout } = await tokenlab('encode', '--tokenizer', 'cl100k_base', '--', '--help');
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+( \d+)*$/);
  });

  it('says what is wrong with a file in plain words', async () => {
    const missing = await tokenlab('lm', 'score', '--model', 'no-such.tlm', 'hi');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('tokenlab lm: no such file: no-such.tlm');
    expect((await tokenlab('encode', '--tokenizer', 'cl100k_base', '--file', tmpdir())).stderr.trim()).toBe(
      'tokenlab encode: a directory was given where a file is read',
    );
    expect(
      (await tokenlab('train', '--corpus', tmpdir(), '--vocab-size', '300', '--pattern', 'gpt2', '--out', 'x.json')).stderr,
    ).not.toMatch(/EISDIR|ENOENT/);
  });

  it('names the closest command to an unknown one', async () => {
    const { code, stderr } = await tokenlab('trian');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "trian"; did you mean train?');
    expect((await tokenlab('zzzzzz')).stderr).not.toContain('did you mean');
  });

  it('names the closest option to an unknown one', async () => {
    const { code, stderr } = await tokenlab('train', '--vocab-szie', '5');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown option --vocab-szie; did you mean --vocab-size?');
    expect((await tokenlab('encode', '--tokeniser', 'x')).stderr).toContain('did you mean --tokenizer?');
    expect((await tokenlab('encode', '--qqqqqqqq', 'x')).stderr).not.toContain('did you mean');
  });
});
