/**
 * The corpora added on demand (src/store/corpora/add-bundled.ts): the real ones, added by the global setup from
 * the registry (tests/setup-on-demand.ts), checked against their pins; and adds against a fake npm and a
 * fake chinese-poetry package (tests/fake-npm.ts), which must fail whole and leave nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTokenlab } from './cli-run.js';
import { makeTgz, npmCalls, useFakeNpm } from './fake-npm.js';
import { HAVE_POETRY, needsPoetry } from './on-demand-corpora.js';

const { CORPUS_DEFS, listBundledCorpora } = await import('../src/store/corpora/catalogue.js');
const { ensureBundledCorpora } = await import('../src/store/corpora/extract.js');
const { addBundledCorpus, onDemandPackage } = await import('../src/store/corpora/add-bundled.js');
const { packageOfFiles } = await import('../src/store/corpora/source-package.js');
const { extractTangPoems } = await import('../src/store/corpora/sources.js');
const { joinLines } = await import('../src/store/corpora/split.js');
const { PinnedFileMismatchError } = await import('../src/store/npm-data/pinned.js');
const { NpmError } = await import('../src/store/npm-data/npm-pack.js');

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const ON_DEMAND = ['tang-poems', 'song-ci', 'classics-zh'];
const savedDir = process.env.TOKENLAB_CORPORA_DIR;

afterEach(() => {
  delete process.env.TOKENLAB_NPM;
  if (savedDir === undefined) delete process.env.TOKENLAB_CORPORA_DIR;
  else process.env.TOKENLAB_CORPORA_DIR = savedDir;
});

describe('the on-demand corpora, added from the registry', () => {
  it.skipIf(!HAVE_POETRY)(needsPoetry('are the pinned files, listed with their parts; adding again fetches nothing'), async () => {
    const { corpora, unavailable } = await ensureBundledCorpora();
    expect(unavailable).toEqual([]);
    for (const name of ON_DEMAND) {
      const c = corpora.find((x) => x.name === name)!;
      const pin = CORPUS_DEFS.find((d) => d.name === name)!.onDemand!.corpus;
      const bytes = readFileSync(c.path);
      expect({ bytes: bytes.length, sha256: sha256(bytes) }, name).toEqual(pin);
      expect(c.source).toBe('chinese-poetry@2.0.1');
      expect(readFileSync(c.licencePath!, 'utf8')).toMatch(/MIT License/);
      expect(readFileSync(c.trainPath).length + readFileSync(c.heldOutPath).length).toBe(bytes.length);
    }
    // only the corpora, their licence and the record are kept of the package
    expect(readdirSync(dirname(corpora.find((x) => x.name === 'tang-poems')!.path)).sort()).toEqual([
      'LICENSE',
      'classics-zh.txt',
      'song-ci.txt',
      'source.json',
      'tang-poems.txt',
    ]);
    useFakeNpm({ fail: 'must not be called', code: 1 });
    const calls = npmCalls().length;
    expect(await addBundledCorpus('song-ci')).toEqual({ added: false, with: ['tang-poems', 'classics-zh'] });
    expect(npmCalls().length).toBe(calls);
  });
});

/** A corpora directory of its own, and what its packages directory holds besides added packages. */
function freshCorporaDir(): { leftovers: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tokenlab-on-demand-'));
  process.env.TOKENLAB_CORPORA_DIR = dir;
  const packages = join(dir, 'packages');
  return { leftovers: () => (existsSync(packages) ? readdirSync(packages) : []) };
}

/** A chinese-poetry look-alike: a few Tang poems, the licence, and JavaScript around them. */
const poems = [
  { title: '静夜思', author: '李白', paragraphs: ['床前明月光，疑是地上霜。', '舉頭望明月，低頭思故鄉。'] },
  { title: '春曉', author: '孟浩然', paragraphs: ['春眠不覺曉，處處聞啼鳥。'] },
];
const fakeFiles = {
  LICENSE: Buffer.from('MIT License\n'),
  'dist/quantangshi/poet.tang.0.json': Buffer.from(JSON.stringify(poems)),
  'dist/quantangshi/poet.song.0.json': Buffer.from('not read'),
  'index.js': Buffer.alloc(200_000, 0x61),
};
const fakeTgz = makeTgz(fakeFiles);

describe('an add that cannot complete leaves nothing', () => {
  it('a package whose extracted corpus is not the pinned one: PinnedFileMismatchError, measured on the extraction', async () => {
    const { leftovers } = freshCorporaDir();
    useFakeNpm({ tgz: fakeTgz });
    const expected = Buffer.from(
      joinLines(extractTangPoems(packageOfFiles('chinese-poetry', '2.0.1', new Map(Object.entries(fakeFiles))), 1e9)),
    );
    // the licence is checked first: this one is not chinese-poetry's
    await expect(addBundledCorpus('tang-poems')).rejects.toThrow(PinnedFileMismatchError);
    expect(leftovers()).toEqual([]);
    // with the fake's licence pinned instead, the add gets to the corpus, extracted out of the .tgz
    const pkg = onDemandPackage('chinese-poetry');
    const saved = pkg.from.licence;
    Object.assign(pkg.from, { licence: { ...saved, bytes: fakeFiles.LICENSE.length, sha256: sha256(fakeFiles.LICENSE) } });
    try {
      await expect(addBundledCorpus('tang-poems')).rejects.toThrow(
        new RegExp(
          `tang-poems as extracted from chinese-poetry@2.0.1 is not the file tokenlab expects \\(${expected.length} bytes, sha256 ${sha256(expected)};`,
        ),
      );
    } finally {
      Object.assign(pkg.from, { licence: saved });
    }
    expect(leftovers()).toEqual([]);
    expect((await ensureBundledCorpora()).unavailable.map((u) => u.name)).toEqual(ON_DEMAND);
  });

  it('npm failing, or the add interrupted: nothing is left, and the corpora stay addable', async () => {
    const { leftovers } = freshCorporaDir();
    useFakeNpm({ fail: 'npm error 404 Not Found - GET https://registry.example/chinese-poetry', code: 1 });
    await expect(addBundledCorpus('classics-zh')).rejects.toThrow(NpmError);
    await expect(addBundledCorpus('classics-zh')).rejects.toThrow(/404 Not Found/);
    expect(leftovers()).toEqual([]);
    useFakeNpm({ hang: fakeTgz });
    const stop = new AbortController();
    const adding = addBundledCorpus(
      'classics-zh',
      (p) => p.stage === 'downloading through npm' && p.done !== undefined && stop.abort(new Error('stopped')),
      {
        signal: stop.signal,
      },
    );
    await expect(adding).rejects.toThrow('stopped');
    expect(leftovers()).toEqual([]);
    expect(listBundledCorpora().find((c) => c.name === 'classics-zh')).toBeDefined();
  });
});

describe('tokenlab corpus add-bundled and list', () => {
  it('refuses a corpus that comes with the install and an unknown one, before fetching anything; lists what can be added', async () => {
    freshCorporaDir();
    useFakeNpm({ fail: 'must not be called', code: 1 });
    const calls = npmCalls().length;
    const installed = await runTokenlab(['corpus', 'add-bundled', 'tang-poems', 'wordnet-en']);
    expect(installed.code).not.toBe(0);
    expect(installed.stderr).toMatch(
      /wordnet-en comes with tokenlab and needs no adding \(the ones added on demand: tang-poems, song-ci, classics-zh\)/,
    );
    expect((await runTokenlab(['corpus', 'add-bundled', 'nope'])).stderr).toMatch(/no bundled corpus named nope/);
    expect((await runTokenlab(['corpus', 'add-bundled'])).stderr).toMatch(
      /give the names of the bundled corpora to add: tang-poems, song-ci, classics-zh/,
    );
    expect(npmCalls().length).toBe(calls);
    const list = await runTokenlab(['corpus', 'list']);
    expect(list.stdout).toMatch(
      /^tang-poems +bundled +add: 85 MB: not added: `tokenlab corpus add-bundled tang-poems` fetches chinese-poetry@2\.0\.1/m,
    );
    expect(list.stdout).toMatch(/^wordnet-en +bundled +\d+ bytes/m);
    const json = (await runTokenlab(['corpus', 'list', '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; present: boolean });
    expect(json.filter((r) => !r.present).map((r) => r.name)).toEqual(ON_DEMAND);
  });
});
